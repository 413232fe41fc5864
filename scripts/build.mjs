// Bundles the Lambda (dist/index.js, handler index.handler) and the command line (dist/cli.js) with esbuild.
// The AWS SDK is bundled too, so the Lambda runs the SDK version tested here whatever the runtime ships.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

// ES module entry points first: esbuild can drop the SDK commands the rule never sends (CommonJS builds keep them all).
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'warning', legalComments: 'none' };

await build({ ...common, entryPoints: { index: 'rule/index.ts' }, outdir: 'dist', minify: true, sourcemap: true, metafile: false });
await build({ ...common, entryPoints: { cli: 'rule/bin.ts' }, outdir: 'dist' });
await chmod('dist/cli.js', 0o755);
