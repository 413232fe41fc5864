/**
 * Command line: a thin shell over the pattern engine and the rule.
 *
 *   unauthorized-api-calls-monitored pattern '<pattern>' [--strict cis-1.2|cis-2.0] [--allow-broad]
 *                                    [--format text|json] [--events FILE|-]
 *   unauthorized-api-calls-monitored evaluate [--region R] [--param Key=Value ...] [--format json|text]
 *                                    [--publish --result-token T]
 *   unauthorized-api-calls-monitored sample
 */
import { parseArgs } from 'node:util';
import { STRICT_VERSIONS, isStrictVersion } from './pattern/cis';
import { matchesLogEvent, type LogEvent } from './pattern/evaluate';
import { judgePattern, type JudgeOptions, type Verdict } from './pattern/judge';
import { nestsDeeperThan } from './json-depth';
import { parseFilterPattern } from './pattern/parser';
import { CouldNotRunError, EvaluateUsageError, runEvaluate, sdkDependencies, type EvaluateDependencies } from './cli-evaluate';
import { PARAMETER_DEFINITIONS } from './parameters';
import { SAMPLE_FILTERS } from './sample-filters';
import { escapeUnsafe, printable } from './text';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  readStdin: () => Promise<string>;
  /** Whether stdout is a terminal (colour is used only then). */
  isTty: boolean;
  /** Whether an unexpected error is printed with its stack trace (bin.ts: the DEBUG environment variable is set). */
  debug?: boolean;
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

export const USAGE = `Usage:
  unauthorized-api-calls-monitored pattern '<filter pattern>' [--strict ${STRICT_VERSIONS.join('|')}] [--allow-broad]
                                   [--format text|json] [--events FILE|-]
      Judge a CloudWatch Logs metric filter pattern against the CIS definition of unauthorized API calls.
      --strict V      accept only the literal text of CIS version V (Security Hub parity), whitespace aside
      --allow-broad   do not reject patterns that also match successful calls
      --events FILE   also test the pattern against a JSON array of log events (an object is a JSON event,
                      a string a raw message), as 'aws logs test-metric-filter' does; - reads standard input
      --format        text (default) or json: {"valid","accepted","reason","counterexample"[,"matches"]}
      Exit status: 0 accepted, 1 rejected or invalid, 2 usage error, 3 unexpected error.
  unauthorized-api-calls-monitored evaluate [--region R] [--param Key=Value ...] [--format text|json]
                                   [--publish --result-token T]
      Evaluate the account behind the standard AWS credential chain (AWS_PROFILE, AWS_REGION,
      AWS_ENDPOINT_URL, ... are honoured) and print the evaluation; JSON is an array of
      {ComplianceResourceType, ComplianceResourceId, ComplianceType, Annotation}.
      --param         a rule parameter: ${Object.keys(PARAMETER_DEFINITIONS).join(', ')}
      --publish       write the evaluation to AWS Config with the given result token (TESTMODE: validate only)
      Exit status: 0 compliant, 1 non-compliant or not applicable, 2 could not run, 3 unexpected error.
  unauthorized-api-calls-monitored sample
      Judge the bundled sample metric filters (patterns found in real accounts) and print a table.`;

class UsageError extends Error {}

export async function runCli(argv: string[], io: CliIo, aws: EvaluateDependencies = sdkDependencies): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'pattern') return await patternCommand(rest, io);
    if (command === 'evaluate') return await evaluateCommand(rest, io, aws);
    if (command === 'sample') return sampleCommand(rest, io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE + '\n');
      return 0;
    }
    throw new UsageError(command === undefined ? 'a command is required' : `unknown command '${printable(command)}'`);
  } catch (e) {
    // Values from the command line are cut where messages are built; what else a message holds (AWS's own error
    // messages) is escaped and bounded here.
    if (e instanceof UsageError || e instanceof EvaluateUsageError) {
      io.stderr(`error: ${printable(e.message, 1000)}\n\n${USAGE}\n`);
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

async function evaluateCommand(args: string[], io: CliIo, aws: EvaluateDependencies): Promise<number> {
  const { values, positionals } = parseArguments(() =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        region: { type: 'string' },
        param: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
        publish: { type: 'boolean', default: false },
        'result-token': { type: 'string' },
      },
    }),
  );
  if (positionals.length > 0) throw new UsageError(`'evaluate' takes no arguments, only options`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${printable(values.format)}'`);
  return runEvaluate(
    {
      params: values.param,
      format: values.format,
      publish: values.publish,
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['result-token'] !== undefined ? { resultToken: values['result-token'] } : {}),
    },
    aws,
    io.stdout,
  );
}

/** Runs node's argument parser, turning its errors (unknown option, missing value) into usage errors. */
function parseArguments<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    // Node's message quotes the option, possibly twice: cut as a whole.
    throw new UsageError(printable((e as Error).message, 300));
  }
}

/**
 * JSON text in which every character escapeUnsafe would escape is a JSON `\u` escape (JSON.stringify escapes only
 * C0 controls): nothing printed reorders or hides the output, and the text parses to the same value.
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[^\u0000-\u007e]/g, (ch) =>
    escapeUnsafe(ch) === ch ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const MAX_EVENT_DEPTH = 100;

async function readEvents(source: string, io: CliIo): Promise<LogEvent[]> {
  let text: string;
  try {
    text = source === '-' ? await io.readStdin() : await io.readFile(source);
  } catch (e) {
    // The system's message repeats the path: cut as a whole.
    throw new UsageError(`cannot read events from ${printable(source)}: ${printable((e as Error).message, 200)}`);
  }
  const name = source === '-' ? 'standard input' : printable(source);
  // A log event nests far less (CloudTrail records about ten levels); a deep one would overflow the evaluator's stack.
  if (nestsDeeperThan(text, MAX_EVENT_DEPTH)) throw new UsageError(`events in ${name} nest arrays and objects deeper than ${MAX_EVENT_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`events in ${name} are not valid JSON: ${printable((e as Error).message, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError('events must be a JSON array of log events');
  return parsed.map((event: unknown, i) => {
    if (typeof event === 'string') return event;
    if (typeof event === 'object' && event !== null && !Array.isArray(event)) return event as LogEvent;
    throw new UsageError(`events[${i}] is ${Array.isArray(event) ? 'an array' : String(event === null ? 'null' : typeof event)}; each event must be a JSON object or a string`);
  });
}

async function patternCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArguments(() =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        strict: { type: 'string' },
        'allow-broad': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        events: { type: 'string' },
      },
    }),
  );
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'the pattern is missing' : 'give the pattern as one argument, in single quotes');
  }
  const text = positionals[0]!;
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${printable(values.format)}'`);
  const options: JudgeOptions = { ceiling: !values['allow-broad'] };
  if (values.strict !== undefined) {
    if (!isStrictVersion(values.strict)) throw new UsageError(`--strict must be one of ${STRICT_VERSIONS.join(', ')}, not '${printable(values.strict)}'`);
    options.strict = values.strict;
  }
  const events = values.events === undefined ? undefined : await readEvents(values.events, io);
  const parsed = parseFilterPattern(text);
  if (events && parsed.ok && parsed.pattern.kind === 'delimited') {
    throw new UsageError('space-delimited [...] patterns cannot be tested against events here');
  }
  const verdict = judgePattern(text, options);
  const matches = events && parsed.ok ? events.map((event) => matchesLogEvent(parsed.pattern, event)) : undefined;

  if (values.format === 'json') {
    const { valid, accepted, reason, counterexample } = verdict;
    io.stdout(jsonText(matches ? { valid, accepted, reason, counterexample, matches } : { valid, accepted, reason, counterexample }) + '\n');
  } else {
    io.stdout(formatVerdict(verdict, io.isTty) + '\n');
    if (matches) matches.forEach((m, i) => io.stdout(`event ${i + 1}: ${m ? 'match' : 'no match'}\n`));
  }
  return verdict.accepted ? 0 : 1;
}

function paint(text: string, colour: 'green' | 'red', on: boolean): string {
  if (!on) return text;
  return `\u001b[${colour === 'green' ? 32 : 31}m${text}\u001b[0m`;
}

export function formatVerdict(verdict: Verdict, colour = false): string {
  const head = verdict.accepted ? paint('ACCEPTED', 'green', colour) : paint(verdict.valid ? 'REJECTED' : 'INVALID', 'red', colour);
  // The reason and the counterexample quote the pattern, which may come from anyone who can write metric filters.
  const lines = [`${head}  ${escapeUnsafe(verdict.reason)}`];
  if (verdict.counterexample) lines.push('counterexample:', jsonText(verdict.counterexample));
  return lines.join('\n');
}

function sampleCommand(args: string[], io: CliIo): number {
  if (args.length > 0) throw new UsageError(`'sample' takes no arguments`);
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
