// Bundles the Lambda (dist/index.js, handler index.handler) and the command line (dist/cli.js, with dist/cli-evaluate.js,
// dist/cli-report.js, dist/cli-report-aws.js and dist/cli-errors.js) with esbuild.
// The AWS SDK is bundled too, so the Lambda runs the SDK version tested here whatever the runtime ships.
//
//   node scripts/build.mjs [--outdir DIR] [--lambda-only] [--analyze]
//
// --analyze prints what the Lambda bundle is made of, by package, largest first (`npm run bench` shows it).
import { build } from 'esbuild';
import { chmod, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// ES module entry points first: esbuild can drop the SDK commands the rule never sends (CommonJS builds keep them all).
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'warning', legalComments: 'none' };

/**
 * What the Lambda never runs, left out of its bundle to load faster (`npm run bench` measures each): the SDK's default
 * credential chain (the Lambda reads its role's credentials from the environment) and the event-stream codec (no
 * operation the rule sends streams). The command line keeps both.
 */
const lambdaOnly = {
  name: 'lambda-only',
  setup(b) {
    const stand = (filter, file) => b.onResolve({ filter }, () => ({ path: join(HERE, 'lambda-bundle', file) }));
    stand(/^@aws-sdk\/credential-provider-node$/, 'credential-provider-node.mjs');
    stand(/^@smithy\/core\/event-streams$/, 'event-streams.mjs');
  },
};

/**
 * The SDK clients import their package.json only for `packageInfo.version` (the user agent's client version; checked
 * in each installed client's runtimeConfig); esbuild would inline the whole file, dependencies and scripts included.
 */
const packageVersionsOnly = {
  name: 'package-versions-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*[\\/]package\.json$/ }, async ({ path }) => {
      const { name, version } = JSON.parse(await readFile(path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

function parseArgs(argv) {
  const args = { outdir: 'dist', lambdaOnly: false, analyze: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outdir' && argv[i + 1]) args.outdir = argv[++i];
    else if (a === '--lambda-only') args.lambdaOnly = true;
    else if (a === '--analyze') args.analyze = true;
    else {
      console.error(`build: unknown argument '${a}'; usage: build.mjs [--outdir DIR] [--lambda-only] [--analyze]`);
      process.exit(2);
    }
  }
  return args;
}

/** Bytes of the bundle by package (node_modules package, else the project's top folder), largest first. */
function byPackage(metafile) {
  const sizes = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/')[0];
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

const { outdir, lambdaOnly: onlyTheLambda, analyze } = parseArgs(process.argv.slice(2));
const lambda = await build({ ...common, entryPoints: { index: 'rule/index.ts' }, outdir, minify: true, sourcemap: true, metafile: analyze, plugins: [lambdaOnly, packageVersionsOnly] });
if (analyze) for (const [name, bytes] of byPackage(lambda.metafile)) console.log(`${(bytes / 1024).toFixed(1).padStart(7)} KiB  ${name}`);
/**
 * dist/cli.js loads dist/cli-evaluate.js and dist/cli-report.js only for `evaluate` and `report`, and these load the
 * AWS SDK (cli-report-aws.js for `report`) only once their command line is good: in one bundle the lazily loaded part
 * loses tree shaking (every SDK command kept). cli-errors.js is a file of its own so that `instanceof` holds across
 * the two bundles; without dynamic-import support esbuild writes `import()` as `require`, which loads the CommonJS
 * file far faster than Node's ES module loader.
 */
const cliApart = {
  name: 'cli-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/cli-(evaluate|report|errors)$/ }, ({ path }) => ({ path: `${path}.js`, external: true }));
    // report's SDK part, imported by cli-report.ts once its command line is good.
    b.onResolve({ filter: /^\.\/report\/aws$/ }, () => ({ path: './cli-report-aws.js', external: true }));
  },
};

if (!onlyTheLambda) {
  await build({
    ...common,
    entryPoints: { cli: 'rule/bin.ts', 'cli-evaluate': 'rule/cli-evaluate.ts', 'cli-report': 'rule/cli-report.ts', 'cli-report-aws': 'rule/report/aws.ts', 'cli-errors': 'rule/cli-errors.ts' },
    outdir,
    plugins: [cliApart],
    supported: { 'dynamic-import': false },
  });
  await chmod(join(outdir, 'cli.js'), 0o755);
}
