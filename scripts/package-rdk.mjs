// Stages the rules for the AWS Config RDK (awslabs/aws-config-rdk): one folder dist/rdk/<RuleName>/ per control of the
// catalogue (fifteen), each holding its parameters.json and the bundle's index.js, so that
// `cd dist/rdk && rdk deploy --all` (or `rdk deploy <RuleName> ...`) deploys them. The root parameters.json is the
// unauthorized-api-calls definition; each control's is derived from it by scripts/control-rules.ts (rule name,
// description, Control in InputParameters, its remediation passing Control). RDK gives each rule a function of its
// own (fifteen copies of the bundle); account-rule.yaml is the path with one function for every rule.
//
//   node scripts/package-rdk.mjs [--dist DIR] [--out DIR] [--parameters FILE] [--without-remediation]
//
// What RDK does with the folder (rdk/rdk.py, 0.17.x): it zips the WHOLE folder, so the folder holds only what the
// Lambda needs (restaging removes everything else, including the <RuleName>.zip copy a previous deploy left there);
// the folder name, not RuleName, becomes the Config rule's name; SourceRuntime goes to Lambda unchecked and
// SourceHandler is the handler. RDK has no Node.js runtime of its own: never run `rdk create`/`rdk modify` on this
// folder (modify rewrites parameters.json, resets SourceRuntime, drops SourceHandler) nor `rdk test-local`.
//
// `rdk deploy` passes the parameters to its own stack template (rdk/template/configRule.yaml), which refuses a
// Description over 255 characters (AWS Config itself allows 256) and a function name over 64; its function name is
// "RDK-Rule-Function-" + the rule name without underscores, refused rather than truncated when too long
// (rdk/core/util get_lambda_name). rdkDefinition refuses what RDK or AWS Config would, before anything is staged.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadControlRules } from './package.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME = 'nodejs22.x';
const HANDLER = 'index.handler';
// RDK's `--maximum-frequency` choices, AWS Config's MaximumExecutionFrequency values.
const PERIODS = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];
const DESCRIPTION_MAX = 255;
// AWS Config's InputParameters (PutConfigRule): at most 1,024 characters.
const INPUT_PARAMETERS_MAX = 1024;

function parseArgs(argv) {
  const args = { dist: join(ROOT, 'dist'), out: undefined, parameters: join(ROOT, 'parameters.json'), remediation: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') args.dist = resolve(argv[++i] ?? '');
    else if (a === '--out') args.out = resolve(argv[++i] ?? '');
    else if (a === '--parameters') args.parameters = resolve(argv[++i] ?? '');
    else if (a === '--without-remediation') args.remediation = false;
    else throw new Error(`unknown argument '${a}'; usage: package-rdk.mjs [--dist DIR] [--out DIR] [--parameters FILE] [--without-remediation]`);
  }
  args.out ??= join(args.dist, 'rdk');
  return args;
}

/** parameters.json as RDK must see it for a Node.js bundle. Returns the definition and notes on what changed. */
export function rdkDefinition(source, { remediation }) {
  const definition = structuredClone(source);
  const p = definition.Parameters;
  const notes = [];
  if (!p || typeof p.RuleName !== 'string') throw new Error('parameters.json has no Parameters.RuleName');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(p.RuleName)) throw new Error(`RuleName '${p.RuleName}' must be 1-64 letters, digits, _ or - (it is the folder and Config rule name)`);
  // RDK names the function RDK-Rule-Function-<stack name>, the stack name being the rule name without underscores.
  const lambdaName = `RDK-Rule-Function-${p.RuleName.replace(/_/g, '')}`;
  if (lambdaName.length > 64 && !p.CustomLambdaName) throw new Error(`RDK's function name ${lambdaName} exceeds 64 characters; set CustomLambdaName`);
  const description = typeof p.Description === 'string' ? p.Description : '';
  if (description.length < 1 || description.length > DESCRIPTION_MAX) {
    throw new Error(`Description is ${description.length} characters; RDK's template allows 1-${DESCRIPTION_MAX}`);
  }
  if (p.SourcePeriodic !== undefined && !PERIODS.includes(p.SourcePeriodic)) {
    throw new Error(`SourcePeriodic '${String(p.SourcePeriodic).slice(0, 40)}' is not one of RDK's ${PERIODS.join(', ')}`);
  }
  checkInputParameters(p.InputParameters ?? '{}');
  if (p.SourceRuntime !== RUNTIME) notes.push(`SourceRuntime ${p.SourceRuntime} -> ${RUNTIME}`);
  if (p.SourceHandler !== HANDLER) notes.push(`SourceHandler ${p.SourceHandler} -> ${HANDLER}`);
  p.SourceRuntime = RUNTIME;
  p.SourceHandler = HANDLER;
  if (p.Remediation) {
    if (!remediation) {
      delete p.Remediation;
      notes.push('Remediation removed (--without-remediation)');
    } else if (p.Remediation.ConfigRuleName !== p.RuleName) {
      // RDK copies Remediation verbatim into AWS::Config::RemediationConfiguration, whose ConfigRuleName is required.
      throw new Error(`parameters.json Remediation.ConfigRuleName must be the rule name ${p.RuleName}`);
    }
  }
  return { definition, notes };
}

/** RDK reads InputParameters with json.loads and makes a template parameter of each key: it must be a JSON object. */
function checkInputParameters(text) {
  let value;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('InputParameters must be a JSON object, as a string');
  if (text.length > INPUT_PARAMETERS_MAX) throw new Error(`InputParameters is ${text.length} characters; AWS Config allows 1,024`);
}

/** Writes one RDK folder, replacing what a previous run or deploy left there. */
function stage(out, bundle, definition, notes) {
  const ruleName = definition.Parameters.RuleName;
  const folder = join(out, ruleName);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'parameters.json'), `${JSON.stringify(definition, null, 2)}\n`);
  cpSync(bundle, join(folder, 'index.js'));
  console.log(`staged ${relative(process.cwd(), folder) || folder}/ (parameters.json, index.js)`);
  for (const note of notes) console.log(`  ${note}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const bundle = join(args.dist, 'index.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  const source = JSON.parse(readFileSync(args.parameters, 'utf8'));
  // The root definition is checked first (a malformed InputParameters is named as such), then every derived one,
  // before any folder is written: a bad one stages nothing.
  rdkDefinition(source, args);
  const { rdkDefinitions } = await loadControlRules();
  const staged = rdkDefinitions(source).map(({ definition }) => rdkDefinition(definition, args));
  for (const { definition, notes } of staged) stage(args.out, bundle, definition, notes);
  console.log(`deploy: cd ${relative(process.cwd(), args.out) || args.out} && rdk deploy --all (or rdk deploy <RuleName> ...)`);
  if (staged.some(({ definition }) => definition.Parameters.Remediation)) {
    console.log('  the remediations need their document and role first: deploy/templates/remediation-runbook.yaml (deploy/README.md)');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`package-rdk: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
