// Bundles the command line into dist/ with esbuild (one file, no node_modules needed at run time).
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

await build({
  entryPoints: { cli: 'rule/bin.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);
