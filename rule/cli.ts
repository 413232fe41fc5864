/**
 * Command line: a thin shell over the pattern engine and the rule, for every control of the CIS Monitoring family
 * (installed as `unauthorized-api-calls-monitored`, its first control and today's name, and as `cis-monitoring`).
 *
 *   unauthorized-api-calls-monitored pattern '<pattern>' [--control ID|all] [--cis-version V] [--strict ID]
 *                                    [--allow-broad] [--format text|json] [--events FILE|-]
 *   unauthorized-api-calls-monitored evaluate [--control ID|all] [--region R] [--param Key=Value ...]
 *                                    [--format json|text] [--publish --result-token T]
 *   unauthorized-api-calls-monitored sample
 *   unauthorized-api-calls-monitored report --aggregator NAME [--region R] [--rules PREFIX] [--format text|json|csv]
 *                                    [--html FILE] [--since FILE]
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cisNumber, cisNumbers, controlIdWidth } from './cli-controls';
import { CouldNotRunError, UsageError, type CommandName } from './cli-errors';
import type { EvaluateDependencies } from './cli-evaluate';
import { conditionsOf, type FilterPattern, type Selector } from './pattern/ast';
import { CONTROLS } from './controls/catalogue';
import { CIS_VERSIONS, DEFAULT_CONTROL, NEWEST_CIS_VERSION, type CisVersion, type Control } from './controls/control';
import { MISSING, matchesLogEvent, resolveSelector, type JsonObject, type LogEvent } from './pattern/evaluate';
import { describeRecord, judgePattern, type JudgeOptions, type Verdict } from './pattern/judge';
import { nestsDeeperThan } from './json-depth';
import { parseFilterPattern } from './pattern/parser';
import { printSelector } from './pattern/printer';
import {
  PARAMETER_DEFINITIONS,
  ParameterError,
  parseCisVersion,
  parseControl,
  parseRuleParameters,
  parseStrictPatternVersion,
  type ParameterName,
  type RuleParameters,
} from './parameters';
import { SAMPLE_FILTERS } from './sample-filters';
import { clip, escapeUnsafe, printable } from './text';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  readStdin: () => Promise<string>;
  /** Whether stdout is a terminal (colour is used only then). */
  isTty: boolean;
  /** Whether an unexpected error is printed with its stack trace (bin.ts: the DEBUG environment variable is set). */
  debug?: boolean;
  /** The process's environment, read by the AWS SDK: `evaluate` sets the SDK's switch for its Node version warning. */
  env: NodeJS.ProcessEnv;
  /** The running Node version, as `process.version` ("v20.20.2"). */
  nodeVersion: string;
}

/** Exit status of an unexpected error: a bug, or output that could not be written, rather than a verdict or a usage error. */
export const UNEXPECTED_ERROR_STATUS = 3;

/** One line naming an unexpected error; its stack trace too in debug mode. */
export function describeUnexpectedError(error: unknown, debug: boolean): string {
  const what = error instanceof Error ? `${printable(error.name, 50)}: ${printable(error.message, 300)}` : `throw of a ${typeof error}`;
  const line = `error: unexpected ${what}; this is a bug`;
  if (debug && error instanceof Error && error.stack !== undefined) return `${line}\n${error.stack}\n`;
  return `${line} (set DEBUG=1 for details)\n`;
}

const COMMAND = 'unauthorized-api-calls-monitored';
/** The same program under the family's name (package.json "bin"). */
const FAMILY_COMMAND = 'cis-monitoring';

const CONTROL_WIDTH = controlIdWidth(CONTROLS);

const CONTROL_LIST = CONTROLS.map(
  (c) => `  ${c.id.padEnd(CONTROL_WIDTH)}  ${cisNumbers(c).padEnd(14)}  ${(c.securityHubId ?? '-').padEnd(13)}  ${c.subject}`,
).join('\n');

const USAGE = `Usage: ${COMMAND} <command> [options]
   or: ${FAMILY_COMMAND} <command> [options]   (the same program, named for the whole family)
Judges CloudWatch Logs metric filter patterns and evaluates accounts for the CIS AWS Foundations "Monitoring"
controls, "Ensure a log metric filter and alarm exist for ...": unauthorized API calls unless --control says
which.

Commands:
  pattern '<filter pattern>'   judge a metric filter pattern (and test it against log events)
  evaluate                     evaluate the account behind the AWS credentials, as the Config rule does
  sample                       judge the bundled sample metric filters, patterns found in real accounts
  report --aggregator NAME     every account of an AWS Config aggregator against every control: a table, JSON,
                               CSV or one HTML page, and what changed since an earlier report

Controls (--control takes the id or the Security Hub id, case aside; 'all' takes every control):
  ${'id'.padEnd(CONTROL_WIDTH)}  ${'CIS'.padEnd(14)}  ${'Security Hub'.padEnd(13)}  subject
${CONTROL_LIST}

Run '${COMMAND} <command> --help' for a command's options and exit statuses.`;

const PATTERN_USAGE = `Usage: ${COMMAND} pattern '<filter pattern>' [--control ID|all] [--cis-version V] [--strict ID]
           [--allow-broad] [--format text|json] [--events FILE|-]
Judge a CloudWatch Logs metric filter pattern against the CIS definition of a control's events (default:
unauthorized API calls).
  --control ID    the control: its id or Security Hub id ('${COMMAND} --help' lists them); 'all' judges the
                  pattern against every control, a line each (why not, in short), then names the controls
                  it serves
  --cis-version V the CIS version whose definition applies: ${CIS_VERSIONS.join(', ')} (default ${NEWEST_CIS_VERSION})
  --strict ID     accept only the literal text of the control's published pattern ID (cis-1.2, cis-2.0,
                  securityhub, ...; Security Hub parity), whitespace aside
  --allow-broad   do not reject patterns that also match successful calls
  --events FILE   also test the pattern against a JSON array of log events (an object is a JSON event,
                  a string a raw message), as 'aws logs test-metric-filter' does; - reads standard input
  --format        text (default) or json: {"valid","accepted","reason","counterexample"[,"matches"]};
                  with --control all an array of {"control","valid","accepted","reason","counterexample"}
  -h, --help      print this help
A term pattern may begin with '-' (-DEBUG excludes a term); after '--' any argument is the pattern.
Exit status: 0 accepted, 1 rejected or invalid, 2 usage error, 3 unexpected error; with --control all,
0 when the pattern serves at least one control, 1 when it serves none.`;

/** How --param takes each rule parameter: the allowed values, or what the value is. */
const PARAMETER_VALUES: Partial<Record<ParameterName, string>> = {
  Control: 'ID (as --control, one control)',
  StrictPatternVersion: "ID (a published pattern of the control: cis-1.2, cis-2.0, securityhub, ...)",
};

/** Each rule parameter as --param takes it: its allowed values, or ROLE for a role name. */
const PARAMETER_FORMS = Object.entries(PARAMETER_DEFINITIONS)
  .map(([name, definition]) => {
    const values = PARAMETER_VALUES[name as ParameterName] ?? ('allowedValues' in definition ? definition.allowedValues.join('|') : 'ROLE');
    return `                    ${name}=${values}`;
  })
  .join('\n');

const EVALUATE_USAGE = `Usage: ${COMMAND} evaluate [--control ID|all] [--region R] [--param Key=Value ...] [--format text|json]
           [--publish --result-token T]
Evaluate the account behind the standard AWS credential chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...
are honoured) and print the evaluation; JSON is an array of
{ComplianceResourceType, ComplianceResourceId, ComplianceType, Annotation}.
  --control ID    the control evaluated: its id or Security Hub id ('${COMMAND} --help' lists them; default
                  unauthorized-api-calls); 'all' evaluates every control from one set of reads and prints a
                  row per control (JSON: an object per control, with its Control and ConfigRuleName)
  --region R      the region to evaluate (default: the SDK's, from AWS_REGION or the profile)
  --param K=V     a rule parameter, once per parameter (README: Rule parameters):
${PARAMETER_FORMS}
  --format        text (default) or json
  --publish --result-token T
                  write the evaluation to AWS Config with result token T (TESTMODE: validate only, record
                  nothing); one control only, since a result token belongs to one rule's invocation
  -h, --help      print this help
Exit status: 0 compliant, 1 non-compliant or not applicable, 2 could not run, 3 unexpected error; with
--control all, 0 when every control is compliant.`;

const SAMPLE_USAGE = `Usage: ${COMMAND} sample
Judge the bundled sample metric filters (patterns found in real accounts) and print a table.
  -h, --help      print this help
Exit status: 0 printed, 2 usage error, 3 unexpected error.`;

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

export async function runCli(argv: string[], io: CliIo, aws?: EvaluateDependencies): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'pattern') return await patternCommand(rest, io);
    if (command === 'evaluate') return await evaluateCommand(rest, io, aws);
    if (command === 'sample') return sampleCommand(rest, io);
    if (command === 'report') return await reportCommand(rest, io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE + '\n');
      return 0;
    }
    throw new UsageError(command === undefined ? 'a command is required' : `unknown command '${printable(command)}'`);
  } catch (e) {
    // Values from the command line are cut where messages are built; what else a message holds (AWS's own error
    // messages) is escaped and bounded here.
    if (e instanceof UsageError) {
      io.stderr(`error: ${printable(e.message, 1000)}\nsee \`${COMMAND}${e.command === undefined ? '' : ` ${e.command}`} --help\`\n`);
      return 2;
    }
    if (e instanceof CouldNotRunError) {
      io.stderr(`error: ${printable(e.message, 1000)}\n`);
      return 2;
    }
    io.stderr(describeUnexpectedError(e, io.debug ?? false));
    return UNEXPECTED_ERROR_STATUS;
  }
}

/** Major Node version the AWS SDK's releases after the first week of January 2027 require. */
const SDK_NODE_MAJOR = 22;

/**
 * On Node < 22 the AWS SDK prints an eight-line NodeVersionSupportWarning (@aws-sdk/core's
 * emitWarningIfUnsupportedVersion, called as each client is built) unless AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
 * is "true": set here, before any client exists, with one line of our own in its place. The lockfile pins an SDK
 * release that runs on Node 20, so the note is news, not an error. A user who switched the warning off gets no note.
 */
function replaceSdkNodeVersionWarning(io: CliIo): void {
  if (io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === 'true') return;
  io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const major = Number.parseInt(io.nodeVersion.replace(/^v/, ''), 10);
  if (major < SDK_NODE_MAJOR) {
    io.stderr(`note: Node ${major} is past its end of life; AWS SDK releases after the first week of January 2027 need Node ${SDK_NODE_MAJOR} or later\n`);
  }
}

/** `report`: loaded only when run, since it loads the AWS SDK (cli-report.ts). */
async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { reportCommand: run } = await import('./cli-report');
  return run(args, io, undefined, () => replaceSdkNodeVersionWarning(io));
}

async function evaluateCommand(args: string[], io: CliIo, aws: EvaluateDependencies | undefined): Promise<number> {
  const options = {
    ...HELP_OPTION,
    control: { type: 'string' },
    region: { type: 'string' },
    param: { type: 'string', multiple: true, default: [] as string[] },
    format: { type: 'string', default: 'text' },
    publish: { type: 'boolean', default: false },
    'result-token': { type: 'string' },
  } as const;
  const { values, positionals } = parseCommandLine('evaluate', () => parseArgs({ args: checkedOptions('evaluate', args, options), allowPositionals: true, options }));
  if (values.help) {
    io.stdout(EVALUATE_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`'evaluate' takes no arguments, only options`, 'evaluate');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${printable(values.format)}'`, 'evaluate');
  if (values.publish !== (values['result-token'] !== undefined)) throw new UsageError('--publish and --result-token go together', 'evaluate');
  const controls = values.control === undefined ? undefined : controlsOption('evaluate', values.control);
  const every = controls !== undefined && controls.length > 1;
  // One control by --control is the rule parameter Control, so that StrictPatternVersion is checked against it.
  const parameters = ruleParameters(values.param, controls?.length === 1 ? controls[0]?.id : undefined);
  if (every) {
    if (values.publish) throw new UsageError("--publish writes one rule's evaluation; give --control ID, not all", 'evaluate');
    if (parameters.strictPatternVersion !== undefined) throw new UsageError("StrictPatternVersion names one control's published pattern; give --control ID, not all", 'evaluate');
  }
  replaceSdkNodeVersionWarning(io);
  // Loaded only here, once the command line is known good: the AWS SDK is most of what the command would load,
  // and no other command uses it.
  const { runEvaluate, sdkDependencies } = await import('./cli-evaluate');
  return runEvaluate(
    {
      parameters,
      format: values.format,
      ...(every ? { controls } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['result-token'] !== undefined ? { resultToken: values['result-token'] } : {}),
    },
    aws ?? sdkDependencies,
    io,
  );
}

/** The rule parameters of `--param Key=Value` options and --control, checked as the Lambda checks InputParameters. */
function ruleParameters(params: string[], control: string | undefined): RuleParameters {
  // Object.fromEntries defines own properties: `__proto__=x` stays a key, refused as unknown, instead of being
  // assigned to the prototype and silently dropped.
  const byName = Object.fromEntries(
    params.map((p) => {
      const eq = p.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param takes Key=Value, not '${printable(p)}'`, 'evaluate');
      return [p.slice(0, eq), p.slice(eq + 1)];
    }),
  );
  if (control !== undefined) {
    if (Object.hasOwn(byName, 'Control')) throw new UsageError('give the control once: --control or --param Control', 'evaluate');
    byName.Control = control;
  }
  return asUsage('evaluate', () => parseRuleParameters(byName));
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Runs node's argument parser, turning its errors (missing value, ambiguous value) into usage errors. */
function parseCommandLine<T>(command: CommandName, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    // Node's message quotes the option, possibly twice: cut as a whole.
    throw new UsageError(printable((e as Error).message, 300), command);
  }
}

/**
 * `args`, refusing an unknown option in one short sentence (node's own message adds a paragraph). For `pattern`,
 * an argument of one '-' and letters that names no option is the pattern rather than an unknown option: a term
 * pattern may begin with '-' ('-DEBUG' excludes a term), which node reads as a group of short options. It is moved
 * after '--', where node takes every argument as a positional.
 */
function checkedOptions(command: CommandName, args: string[], options: Options): string[] {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const positionals = new Set(tokens.filter((t) => t.kind === 'positional').map((t) => t.index));
  let dashed = false;
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.prototype.hasOwnProperty.call(options, token.name)) continue;
    if (command === 'pattern' && !token.rawName.startsWith('--')) {
      positionals.add(token.index);
      dashed = true;
      continue;
    }
    const hint = command === 'pattern' ? `; a pattern that begins with '-' goes after '--': pattern -- '<pattern>'` : '';
    throw new UsageError(`Unknown option '${printable(token.rawName)}'${hint}`, command);
  }
  if (!dashed) return args;
  // Options first, then '--' and every positional in the order given.
  const terminator = tokens.find((t) => t.kind === 'option-terminator')?.index;
  return [...args.filter((_, i) => !positionals.has(i) && i !== terminator), '--', ...args.filter((_, i) => positionals.has(i))];
}

/**
 * JSON text in which every character escapeUnsafe would escape is a JSON `\u` escape (JSON.stringify escapes only
 * C0 controls): nothing printed reorders or hides the output, and the text parses to the same value.
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\uffff]/g, (ch) =>
    escapeUnsafe(ch) === ch ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const MAX_EVENT_DEPTH = 100;

function eventsError(message: string): UsageError {
  return new UsageError(message, 'pattern');
}

async function readEvents(source: string, io: CliIo): Promise<LogEvent[]> {
  let text: string;
  try {
    text = source === '-' ? await io.readStdin() : await io.readFile(source);
  } catch (e) {
    // The system's message repeats the path: cut as a whole.
    throw eventsError(`cannot read events from ${printable(source)}: ${printable((e as Error).message, 200)}`);
  }
  const name = source === '-' ? 'standard input' : printable(source);
  // A log event nests far less (CloudTrail records about ten levels); a deep one would overflow the evaluator's stack.
  if (nestsDeeperThan(text, MAX_EVENT_DEPTH)) throw eventsError(`events in ${name} nest arrays and objects deeper than ${MAX_EVENT_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw eventsError(`events in ${name} are not valid JSON: ${printable((e as Error).message, 200)}`);
  }
  if (!Array.isArray(parsed)) throw eventsError('events must be a JSON array of log events');
  return parsed.map((event: unknown, i) => {
    if (typeof event === 'string') return event;
    if (typeof event === 'object' && event !== null && !Array.isArray(event)) return event as LogEvent;
    throw eventsError(`events[${i}] is ${Array.isArray(event) ? 'an array' : String(event === null ? 'null' : typeof event)}; each event must be a JSON object or a string`);
  });
}

/** The ParameterError of a shared parser (parameters.ts) as a usage error of `command`. */
function asUsage<T>(command: CommandName, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ParameterError) throw new UsageError(e.message, command);
    throw e;
  }
}

/** `--control`: 'all' (every control, in CIS order) or one control by its id or Security Hub id. */
function controlsOption(command: CommandName, value: string): Control[] {
  if (value.trim().toLowerCase() === 'all') return [...CONTROLS];
  return [asUsage(command, () => parseControl('--control', value))];
}

async function patternCommand(args: string[], io: CliIo): Promise<number> {
  const options = {
    ...HELP_OPTION,
    control: { type: 'string', default: DEFAULT_CONTROL },
    'cis-version': { type: 'string' },
    strict: { type: 'string' },
    'allow-broad': { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
    events: { type: 'string' },
  } as const;
  const { values, positionals } = parseCommandLine('pattern', () => parseArgs({ args: checkedOptions('pattern', args, options), allowPositionals: true, options }));
  if (values.help) {
    io.stdout(PATTERN_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) {
    if (positionals.length === 0) throw new UsageError('the pattern is missing', 'pattern');
    // A mistyped option ('-f json') makes arguments too: naming them shows which.
    const given = printable(positionals.map((p) => `'${p}'`).join(' '), 200);
    throw new UsageError(`give the pattern as one argument, in single quotes; got ${positionals.length}: ${given}`, 'pattern');
  }
  const text = positionals[0]!;
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${printable(values.format)}'`, 'pattern');
  const controls = controlsOption('pattern', values.control);
  const version = values['cis-version'];
  const cisVersion = version === undefined ? NEWEST_CIS_VERSION : asUsage('pattern', () => parseCisVersion('--cis-version', version));
  const ceiling = !values['allow-broad'];
  const [only] = controls;
  if (controls.length > 1 || only === undefined) {
    // A published pattern and a list of events belong to one judgement, not to a table of fifteen.
    if (values.strict !== undefined) throw new UsageError("--strict names one control's published pattern; give --control ID, not all", 'pattern');
    if (values.events !== undefined) throw new UsageError('--events tests the pattern for one control; give --control ID, not all', 'pattern');
    return patternForEveryControl(text, controls, { cisVersion, ceiling }, values.format, io);
  }
  const judgeOptions: JudgeOptions = { control: only, cisVersion, ceiling };
  const strict = values.strict;
  if (strict !== undefined) judgeOptions.strict = asUsage('pattern', () => parseStrictPatternVersion('--strict', strict, only, 'refused'));
  const events = values.events === undefined ? undefined : await readEvents(values.events, io);
  const parsed = parseFilterPattern(text);
  if (events && parsed.ok && parsed.pattern.kind === 'delimited') {
    throw new UsageError('space-delimited [...] patterns cannot be tested against events here', 'pattern');
  }
  const verdict = judgePattern(text, judgeOptions);
  const matches = events && parsed.ok ? events.map((event) => matchesLogEvent(parsed.pattern, event)) : undefined;

  if (values.format === 'json') {
    const { valid, accepted, reason, counterexample } = verdict;
    io.stdout(jsonText(matches ? { valid, accepted, reason, counterexample, matches } : { valid, accepted, reason, counterexample }) + '\n');
  } else {
    io.stdout(formatVerdict(verdict, parsed.ok ? parsed.pattern : undefined, io.isTty) + '\n');
    events?.forEach((event, i) => io.stdout(`event ${i + 1}: ${(matches?.[i] ? 'match' : 'no match').padEnd(8)}  ${describeEvent(event)}\n`));
  }
  return verdict.accepted ? 0 : 1;
}

/** Characters of a verdict's summary in a --control all line: the whole reason is one --control ID away. */
const SHOWN_SUMMARY_LENGTH = 160;

/**
 * "What is this filter for?": the pattern judged against each control, a line each with the verdict's summary
 * (why not, where it fails), then the controls it serves. Exit 0 when it serves at least one.
 */
function patternForEveryControl(
  text: string,
  controls: Control[],
  options: { cisVersion: CisVersion; ceiling: boolean },
  format: 'text' | 'json',
  io: CliIo,
): number {
  const rows = controls.map((control) => ({ control, verdict: judgePattern(text, { ...options, control }) }));
  const served = rows.filter((r) => r.verdict.accepted).map((r) => r.control.id);
  if (format === 'json') {
    io.stdout(jsonText(rows.map(({ control, verdict: { valid, accepted, reason, counterexample } }) => ({ control: control.id, valid, accepted, reason, counterexample }))) + '\n');
  } else {
    for (const { control, verdict } of rows) {
      const status = verdict.accepted ? paint('ACCEPTED', 'green', io.isTty) : paint(verdict.valid ? 'REJECTED' : 'INVALID ', 'red', io.isTty);
      io.stdout(`${control.id.padEnd(CONTROL_WIDTH)}  ${cisNumber(control, options.cisVersion).padEnd(5)}  ${status}  ${printable(verdict.summary, SHOWN_SUMMARY_LENGTH)}\n`);
    }
    io.stdout(served.length === 0 ? 'serves no control\n' : `serves ${served.join(', ')}\n`);
  }
  return served.length > 0 ? 0 : 1;
}

/** Characters of a raw message, or of a JSON event's text, that name it in the --events lines. */
const SHOWN_EVENT_LENGTH = 60;

/** Names a log event in one line: a CloudTrail record by its call, anything else by the start of its text. */
function describeEvent(event: LogEvent): string {
  if (typeof event === 'string') return `raw message ${printable(event, SHOWN_EVENT_LENGTH)}`;
  if (typeof event.eventName === 'string') return printable(describeRecord(event), 200);
  return `JSON event ${printable(JSON.stringify(event), SHOWN_EVENT_LENGTH)}`;
}

function paint(text: string, colour: 'green' | 'red', on: boolean): string {
  if (!on) return text;
  return `\u001b[${colour === 'green' ? 32 : 31}m${text}\u001b[0m`;
}

/** The fields that say which call a record is: shown for every counterexample, whatever the pattern reads. */
const CALL_FIELDS: Selector[] = ['eventSource', 'eventName', 'errorCode', 'sourceIPAddress'].map((name) => ({ segments: [{ kind: 'key', name }] }));

/** Characters of a field's name or value shown in the counterexample's line. */
const SHOWN_FIELD_LENGTH = 80;

/**
 * One line of the counterexample: the fields that say which call it is, then every field the pattern's conditions
 * read, as `name "value"` or `no name` when absent. The whole record is in --format json.
 */
function counterexampleLine(record: JsonObject, pattern: FilterPattern | undefined): string {
  const read = pattern?.kind === 'json' ? conditionsOf(pattern.expression).map((c) => c.selector) : [];
  const names = new Map<string, Selector>();
  for (const selector of [...CALL_FIELDS, ...read]) {
    const printed = printSelector(selector);
    if (!names.has(printed)) names.set(printed, selector);
  }
  const fields = [...names].map(([printed, selector]) => {
    const name = clip(printed.startsWith('$.') ? printed.slice(2) : printed, SHOWN_FIELD_LENGTH);
    const values = resolveSelector(selector, record).filter((v) => v !== MISSING);
    if (values.length === 0) return `no ${name}`;
    // A wildcard selector can reach several values: all of them, as one JSON array.
    return `${name} ${clip(JSON.stringify(values.length === 1 ? values[0] : values), SHOWN_FIELD_LENGTH)}`;
  });
  return escapeUnsafe(`counterexample: ${fields.join(', ')} (the whole record: --format json)`);
}

export function formatVerdict(verdict: Verdict, pattern: FilterPattern | undefined, colour = false): string {
  const head = verdict.accepted ? paint('ACCEPTED', 'green', colour) : paint(verdict.valid ? 'REJECTED' : 'INVALID', 'red', colour);
  // The reason and the counterexample quote the pattern, which may come from anyone who can write metric filters.
  const lines = [`${head}  ${escapeUnsafe(verdict.reason)}`];
  if (verdict.counterexample) lines.push(counterexampleLine(verdict.counterexample, pattern));
  return lines.join('\n');
}

function sampleCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandLine('sample', () => parseArgs({ args: checkedOptions('sample', args, HELP_OPTION), allowPositionals: true, options: HELP_OPTION }));
  if (values.help) {
    io.stdout(SAMPLE_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`'sample' takes no arguments`, 'sample');
  const rows = SAMPLE_FILTERS.map((sample) => ({ sample, verdict: judgePattern(sample.pattern) }));
  const width = Math.max(...rows.map((r) => r.sample.name.length));
  io.stdout(`Sample metric filters judged against the CIS definition of unauthorized API calls\n\n`);
  for (const { sample, verdict } of rows) {
    const status = verdict.accepted ? 'ACCEPTED' : verdict.valid ? 'REJECTED' : 'INVALID ';
    io.stdout(`${sample.name.padEnd(width)}  ${paint(status, verdict.accepted ? 'green' : 'red', io.isTty)}  ${sample.pattern}\n`);
    io.stdout(`${' '.repeat(width)}  ${' '.repeat(8)}  ${verdict.reason}\n`);
  }
  const accepted = rows.filter((r) => r.verdict.accepted).length;
  io.stdout(`\n${accepted} accepted, ${rows.length - accepted} rejected\n`);
  return 0;
}
