/**
 * Static checks of the SSM Automation remediation document: its structure and parameters, every {{ reference }}
 * and step link, each action's inputs (AWS API inputs against the botocore service model), the inline Python
 * (compiled, handlers, constants), and the DiscoverChain witness records and CIS pattern against the rule's own
 * records, judge and evaluator.
 *
 * Python-dependent checks run Python 3 (devtools/python.ts: python3 on PATH, then /usr/bin/python3) with a
 * stand-in `boto3` (the scripts only call it inside functions), so they need Python 3 but not boto3. Model-dependent
 * checks need botocore's service JSON (Debian's python3-botocore, or the botocore such a Python imports); without
 * either they are skipped with the reason (test/support/skip.ts).
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { parse } from 'yaml';
import { checkAlarmFires, checkTransformation, isConfirmed, snsTopicsOf } from '../../rule/chain';
import { UNAUTHORIZED_CALL_DEFINITION, withoutWhitespace } from '../../rule/pattern/cis';
import { CLOUDTRAIL_FIELDS, SAMPLE_RECORDS, type FieldType } from '../../rule/pattern/cloudtrail';
import { matchesLogEvent, UnsupportedPatternError, type JsonObject, type JsonValue } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import type { MetricAlarm, MetricFilter } from '../../rule/snapshot';
import { findPython } from '../../devtools/python';
import { ACCEPTED, REALISM_CASES, REJECTED } from '../fixtures/judge-cases';
import { skipWhen } from '../support/skip';
import { CONTROLS } from '../../rule/controls/catalogue';
import { CONTROL_IDS } from '../../rule/controls/control';
import { alarmDescriptionOf } from '../../remediation/controls-data';

/** REMEDIATION_DOCUMENT points the checks at another copy (used to check that they catch planted mistakes). */
const DOCUMENT_PATH =
  process.env.REMEDIATION_DOCUMENT ?? path.join(__dirname, '..', '..', 'remediation', 'UnauthorizedApiCallsMonitored-Remediation.yaml');
const ANY_PYTHON = findPython([]);
const PYTHON = 'command' in ANY_PYTHON ? ANY_PYTHON.command : 'python3';
const TEXT = readFileSync(DOCUMENT_PATH, 'utf8');

// ---- the document, typed ----------------------------------------------------------------------------------------

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

interface Parameter {
  type?: unknown;
  description?: unknown;
  default?: unknown;
  allowedPattern?: unknown;
  allowedValues?: unknown;
}
interface StepOutput {
  Name: string;
  Selector: string;
  Type: string;
}
interface Step {
  name: string;
  action: string;
  inputs: Dict;
  outputs: StepOutput[];
  raw: Dict;
}
interface SsmDocument {
  raw: Dict;
  description: string;
  parameters: Record<string, Parameter>;
  outputs: string[];
  steps: Step[];
}

function loadDocument(text: string): SsmDocument {
  const raw: unknown = parse(text);
  if (!isDict(raw)) throw new Error('the document is not a YAML mapping');
  const parameters = isDict(raw.parameters) ? raw.parameters : {};
  const steps = Array.isArray(raw.mainSteps) ? raw.mainSteps : [];
  return {
    raw,
    description: isString(raw.description) ? raw.description : '',
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, isDict(v) ? (v as Parameter) : {}])),
    outputs: Array.isArray(raw.outputs) ? raw.outputs.filter(isString) : [],
    steps: steps.map((s: unknown, i: number): Step => {
      if (!isDict(s)) throw new Error(`mainSteps[${i}] is not a mapping`);
      const outputs = Array.isArray(s.outputs) ? s.outputs : [];
      return {
        name: isString(s.name) ? s.name : `<unnamed step ${i}>`,
        action: isString(s.action) ? s.action : '',
        inputs: isDict(s.inputs) ? s.inputs : {},
        outputs: outputs.map((o: unknown): StepOutput => {
          const d = isDict(o) ? o : {};
          return { Name: String(d.Name), Selector: String(d.Selector), Type: String(d.Type) };
        }),
        raw: s,
      };
    }),
  };
}

const DOC = loadDocument(TEXT);
const stepNamed = (name: string): Step => {
  const step = DOC.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no step ${name}`);
  return step;
};
const scriptSteps = (): Step[] => DOC.steps.filter((s) => s.action === 'aws:executeScript');

// ---- structure and parameters -----------------------------------------------------------------------------------

describe('structure', () => {
  it('is an Automation document run with the given role', () => {
    expect(DOC.raw.schemaVersion).toBe('0.3');
    expect(DOC.raw.assumeRole).toBe('{{ AutomationAssumeRole }}');
    expect(DOC.steps.length).toBeGreaterThan(0);
    const known = ['description', 'schemaVersion', 'assumeRole', 'parameters', 'outputs', 'mainSteps', 'files'];
    expect(Object.keys(DOC.raw).filter((k) => !known.includes(k))).toEqual([]);
  });

  it('has the Markdown description of AWSConfigRemediation runbooks', () => {
    const headings = DOC.description.split('\n').filter((l) => /^#{1,6} /.test(l));
    for (const title of ['Document name', 'What does this document do?', 'Input Parameters', 'Output Parameters']) {
      expect(headings.some((h) => h.includes(title))).toBe(true);
    }
    expect(DOC.description).toMatch(/Document name\s*-\s*UnauthorizedApiCallsMonitored-Remediation/);
  });

  it('describes every parameter and every output in the description', () => {
    const section = (title: string): string => DOC.description.split(/^#{1,6} /m).find((s) => s.startsWith(title)) ?? '';
    const inputs = section('Input Parameters');
    expect(Object.keys(DOC.parameters).filter((p) => !new RegExp(`\\b${p}\\b`).test(inputs))).toEqual([]);
    const outputs = section('Output Parameters');
    expect(DOC.outputs.filter((o) => !outputs.includes(o))).toEqual([]);
  });

  it('is under the 64 KB SSM document limit', () => {
    expect(Buffer.byteLength(TEXT, 'utf8')).toBeLessThan(64 * 1024);
  });
});

const PARAMETER_TYPES = [
  'String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap', 'AWS::EC2::Instance::Id', 'AWS::IAM::Role::Arn',
  'AWS::S3::Bucket::Name', 'List<AWS::EC2::Instance::Id>', 'List<AWS::IAM::Role::Arn>',
];

/** What each allowedPattern must accept and refuse. A parameter without a row here fails the suite. */
const PATTERN_CASES: Record<string, { good: string[]; bad: string[] }> = {
  AutomationAssumeRole: {
    good: ['arn:aws:iam::111122223333:role/ConfigRemediation', 'arn:aws-us-gov:iam::111122223333:role/path/to/Remediation_Role+=,.@-1'],
    bad: ['', 'arn:aws:iam::1111222233:role/R', 'arn:aws:iam::111122223333:user/alice', 'role/R', 'arn:aws:iam::111122223333:role/',
      'arn:aws:iam::111122223333:role/has space', 'arn:aws:sts::111122223333:assumed-role/R/s', ' arn:aws:iam::111122223333:role/R'],
  },
  AccountId: { good: ['111122223333', '000000000000'], bad: ['', '11112222333', '1111222233334', 'abcdefghijkl', '111122223333 '] },
  TopicArn: {
    good: ['', 'arn:aws:sns:us-east-1:111122223333:security-alerts', 'arn:aws-cn:sns:cn-north-1:111122223333:alerts_1'],
    bad: ['alerts', 'arn:aws:sns:us-east-1:111122223333:', 'arn:aws:sqs:us-east-1:111122223333:alerts', 'arn:aws:sns:us-east-1:1111:alerts',
      'arn:aws:sns:us-east-1:111122223333:a b', ' '],
  },
  TopicName: {
    good: ['unauthorized-api-calls-alarms', 'A_1', 'x'.repeat(256)],
    bad: ['', 'has space', 'x'.repeat(257), 'name.fifo', 'arn:aws:sns:us-east-1:111122223333:alerts'],
  },
  KmsKeyId: {
    good: ['', '1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-1234abcd12ab34cd56ef1234567890ab', 'alias/my-key', 'alias/team/sns_key',
      'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:us-east-1:111122223333:alias/my-key',
      // Accepted by the pattern: refusing the AWS managed key is PrepareTopic's job (tested in Python).
      'alias/aws/sns', 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns'],
    bad: ['alias/aws/sns extra', 'my key', 'alias/', 'alias/my key', ' alias/my-key', 'arn:aws:kms:us-east-1:111122223333:key/',
      'arn:aws:kms:us-east-1:111122223333:alias/my key', '1234abcd-12ab-34cd-56ef', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  },
  SubscriptionEndpoint: {
    good: ['', 'secops@example.com', "first.o'brien+cis@sub.example.co.uk", 'https://hooks.example.com/alarm?x=1',
      'https://user:pass@hooks.example.com:8443/a', 'arn:aws:sqs:us-east-1:111122223333:alarms',
      'arn:aws:sqs:eu-west-1:111122223333:alarms.fifo', 'arn:aws:lambda:us-east-1:111122223333:function:notify',
      'arn:aws:lambda:us-east-1:111122223333:function:notify:live', 'arn:aws-us-gov:sqs:us-gov-west-1:111122223333:alarms'],
    // Same account and partition, and which form goes with which protocol, are DiscoverChain's checks (tested in Python).
    bad: ['not an email', 'a@b@example.com', 'http://hooks.example.com/alarm', 'https://has space.example.com',
      'arn:aws:sns:us-east-1:111122223333:topic', 'sec ops@example.com', 'secops\u0001@example.com', 'secops@example.com\u0000',
      'secops@localhost', 'sécops@example.com', 'https://hooks.example.com/\u0007', 'https://', 'arn:aws:lambda:us-east-1:111122223333:notify',
      'arn:aws:sqs:us-east-1:111122223333:a:b', `arn:aws:sqs:us-east-1:111122223333:${'q'.repeat(81)}`],
  },
  // Empty: the control's own name.
  FilterName: {
    good: ['', 'unauthorized-api-calls', 'cis/3.1#unauthorized_api.calls', 'x'.repeat(512)],
    bad: [' ', 'has space', 'a:b', 'a*b', 'x'.repeat(513)],
  },
  MetricNamespace: { good: ['', 'CISBenchmark', 'LogMetrics', 'Org/Security#1'], bad: [' ', 'has space', 'a:b', 'x'.repeat(256)] },
  MetricName: { good: ['', 'UnauthorizedAPICalls', 'unauthorized_api.calls-1'], bad: [' ', 'has space', 'a$b', 'x'.repeat(256)] },
  AlarmName: { good: ['', 'unauthorized-api-calls-alarm', 'CIS.3.1/unauthorized#1'], bad: [' ', 'has space', 'a"b', 'x'.repeat(256)] },
};

const VALUE_CASES: Record<string, { good: string[]; bad: string[] }> = {
  SubscriptionProtocol: { good: ['email', 'https', 'sqs', 'lambda'], bad: ['', 'sms', 'EMAIL', 'http', 'email-json'] },
  Control: { good: [...CONTROL_IDS], bad: ['', 'CloudWatch.2', 'Unauthorized-API-calls', 'all', '4.1'] },
  PatternSource: { good: ['cis', 'securityhub'], bad: ['', 'cis-2.0', 'SecurityHub'] },
};

const regexOf = (p: Parameter): RegExp => new RegExp(String(p.allowedPattern));
const accepts = (p: Parameter, value: string): boolean =>
  p.allowedPattern !== undefined ? regexOf(p).test(value) : Array.isArray(p.allowedValues) && p.allowedValues.includes(value);

describe('parameters', () => {
  const entries = Object.entries(DOC.parameters);

  it.each(entries)('%s has a type, a (Required)/(Optional) description and an allowedPattern or allowedValues', (_name, p) => {
    expect(PARAMETER_TYPES).toContain(p.type);
    expect(p.description).toEqual(expect.stringMatching(/^\((Required|Optional)\) \S/));
    const constrained = isString(p.allowedPattern) || (Array.isArray(p.allowedValues) && p.allowedValues.length > 0);
    expect(constrained).toBe(true);
    if (isString(p.allowedPattern)) {
      expect(p.allowedPattern).toMatch(/^\^/);
      expect(p.allowedPattern).toMatch(/\$$/);
      expect(p.allowedPattern).not.toBe('^.*$');
      expect(() => regexOf(p)).not.toThrow();
    }
  });

  it.each(entries)('%s: a default if and only if optional, and the default is allowed', (_name, p) => {
    const required = String(p.description).startsWith('(Required)');
    if (required) {
      expect(p.default).toBeUndefined();
    } else {
      expect(p.default).toBeDefined();
      expect(typeof p.default).toBe('string');
      expect(accepts(p, String(p.default))).toBe(true);
    }
  });

  it('every allowedPattern and allowedValues has a table of good and bad values', () => {
    expect(entries.filter(([, p]) => p.allowedPattern !== undefined).map(([n]) => n).sort()).toEqual(Object.keys(PATTERN_CASES).sort());
    expect(entries.filter(([, p]) => p.allowedValues !== undefined).map(([n]) => n).sort()).toEqual(Object.keys(VALUE_CASES).sort());
  });

  const rows = Object.entries({ ...PATTERN_CASES, ...VALUE_CASES }).flatMap(([name, { good, bad }]) => [
    ...good.map((v) => [name, JSON.stringify(v.length > 80 ? `${v.slice(0, 20)}...(${v.length})` : v), v, true] as const),
    ...bad.map((v) => [name, JSON.stringify(v.length > 80 ? `${v.slice(0, 20)}...(${v.length})` : v), v, false] as const),
  ]);
  it.each(rows)('%s accepts %s: %#', (name, _shown, value, expected) => {
    const p = DOC.parameters[name];
    expect(p).toBeDefined();
    expect(accepts(p!, value)).toBe(expected);
  });
});

// ---- references and control flow -------------------------------------------------------------------------------

const GLOBALS = new Set([
  'global:ACCOUNT_ID', 'global:REGION', 'global:AWS_PARTITION', 'global:AWS_URL_SUFFIX', 'global:DATE', 'global:DATE_TIME',
  'automation:EXECUTION_ID',
]);

/** Every string in a value, with where it is. */
function strings(value: unknown, where: string): { where: string; text: string }[] {
  if (isString(value)) return [{ where, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${where}[${i}]`));
  if (isDict(value)) return Object.entries(value).flatMap(([k, v]) => strings(v, `${where}.${k}`));
  return [];
}

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const referencesIn = (text: string): string[] => [...text.matchAll(REFERENCE)].map((m) => m[1]!);

/** Successors of a step in the document's control flow (failure paths aside). */
function successors(step: Step, index: number): string[] {
  if (step.action === 'aws:branch') {
    const choices = Array.isArray(step.inputs.Choices) ? step.inputs.Choices : [];
    const next = choices.map((c: unknown) => (isDict(c) ? c.NextStep : undefined)).filter(isString);
    return isString(step.inputs.Default) ? [...next, step.inputs.Default] : next;
  }
  if (step.raw.isEnd === true) return [];
  if (isString(step.raw.nextStep)) return [step.raw.nextStep];
  const following = DOC.steps[index + 1];
  return following ? [following.name] : [];
}

/** Steps reachable from the first one, never passing through `removed`. */
function reachable(removed?: string): Set<string> {
  const seen = new Set<string>();
  const first = DOC.steps[0];
  const queue = first && first.name !== removed ? [first.name] : [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const index = DOC.steps.findIndex((s) => s.name === name);
    if (index < 0) continue;
    for (const next of successors(DOC.steps[index]!, index)) if (next !== removed && !seen.has(next)) queue.push(next);
  }
  return seen;
}

/** `before` runs on every path to `step`: removing it makes `step` unreachable. */
const dominates = (before: string, step: string): boolean => before !== step && !reachable(before).has(step);

/** Why a reference cannot be resolved at `stepIndex` (undefined: it resolves). stepIndex -1: outside any step. */
function unresolved(reference: string, stepIndex: number): string | undefined {
  if (reference in DOC.parameters || GLOBALS.has(reference)) return undefined;
  const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(reference);
  if (!m) return `'${reference}' is neither a parameter, a known global nor Step.Output`;
  const [, stepName, outputName] = m;
  const index = DOC.steps.findIndex((s) => s.name === stepName);
  if (index < 0) return `no step ${stepName}`;
  if (!DOC.steps[index]!.outputs.some((o) => o.Name === outputName)) return `step ${stepName} has no output ${outputName}`;
  if (stepIndex < 0) return `step outputs cannot be used outside steps`;
  if (index >= stepIndex) return `step ${stepName} is declared after the step that uses it`;
  const user = DOC.steps[stepIndex]!.name;
  if (!dominates(stepName!, user)) return `step ${stepName} does not run on every path to ${user}`;
  return undefined;
}

describe('references and control flow', () => {
  it('every {{ reference }} outside the steps is a parameter or a global', () => {
    const outside = Object.entries(DOC.raw).filter(([k]) => k !== 'mainSteps');
    const problems = outside.flatMap(([k, v]) =>
      strings(v, k).flatMap(({ where, text }) => referencesIn(text).map((r) => [where, unresolved(r, -1)] as const)),
    );
    expect(problems.filter(([, p]) => p !== undefined)).toEqual([]);
  });

  it('every {{ reference }} in a step resolves to a parameter, a global or an output of a step that runs before it', () => {
    const problems = DOC.steps.flatMap((step, i) =>
      strings(step.raw, step.name).flatMap(({ where, text }) =>
        referencesIn(text).flatMap((r) => {
          const problem = unresolved(r, i);
          return problem ? [`${where}: {{ ${r} }}: ${problem}`] : [];
        }),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('has no malformed reference (unbalanced braces)', () => {
    const bad = strings(DOC.raw, 'document').filter(({ text }) => (text.match(/\{\{/g) ?? []).length !== referencesIn(text).length);
    expect(bad.map((b) => b.where)).toEqual([]);
  });

  it('uses every parameter', () => {
    const used = new Set(strings(DOC.raw, 'document').flatMap(({ text }) => referencesIn(text)));
    expect(Object.keys(DOC.parameters).filter((p) => !used.has(p))).toEqual([]);
  });

  it('lists only existing step outputs in outputs', () => {
    expect(DOC.outputs.length).toBeGreaterThan(0);
    const missing = DOC.outputs.filter((o) => {
      const [stepName, outputName] = o.split('.');
      return !DOC.steps.some((s) => s.name === stepName && s.outputs.some((out) => out.Name === outputName));
    });
    expect(missing).toEqual([]);
  });

  it('has unique step names of letters, digits and underscores', () => {
    const names = DOC.steps.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => !/^[A-Za-z0-9_]+$/.test(n))).toEqual([]);
  });

  it('links only to existing steps, and reaches every step', () => {
    const names = new Set(DOC.steps.map((s) => s.name));
    const targets = DOC.steps.flatMap((s, i) => [
      ...successors(s, i),
      ...[s.raw.onFailure, s.raw.onCancel].filter(isString).filter((t) => t.startsWith('step:')).map((t) => t.slice(5)),
    ]);
    expect(targets.filter((t) => !names.has(t))).toEqual([]);
    const seen = reachable();
    expect(DOC.steps.map((s) => s.name).filter((n) => !seen.has(n))).toEqual([]);
  });

  it('ends every path at a step marked isEnd or at the last step', () => {
    const last = DOC.steps[DOC.steps.length - 1]!;
    const deadEnds = DOC.steps.filter((s, i) => successors(s, i).length === 0 && s.raw.isEnd !== true && s !== last);
    expect(deadEnds.map((s) => s.name)).toEqual([]);
  });

  it('declares each step output with a JSONPath selector and an SSM type', () => {
    const types = ['String', 'Integer', 'Boolean', 'StringList', 'StringMap', 'MapList'];
    for (const step of DOC.steps) {
      const names = step.outputs.map((o) => o.Name);
      expect(new Set(names).size).toBe(names.length);
      for (const o of step.outputs) {
        expect(o.Name).toMatch(/^[A-Za-z0-9_]+$/);
        expect(types).toContain(o.Type);
        expect(o.Selector).toMatch(step.action === 'aws:executeScript' ? /^\$\.Payload(\.[A-Za-z0-9_]+)*$/ : /^\$(\.|$)/);
      }
    }
  });
});

// ---- action inputs ----------------------------------------------------------------------------------------------

const STEP_KEYS = ['name', 'action', 'inputs', 'outputs', 'description', 'timeoutSeconds', 'maxAttempts', 'onFailure', 'onCancel',
  'isEnd', 'nextStep', 'isCritical'];
const ACTION_KEYS: Record<string, { required: string[]; optional: string[]; apiInputs: boolean }> = {
  'aws:executeScript': { required: ['Runtime', 'Handler'], optional: ['Script', 'InputPayload', 'Attachment'], apiInputs: false },
  'aws:branch': { required: ['Choices'], optional: ['Default', 'InputChoice'], apiInputs: false },
  'aws:executeAwsApi': { required: ['Service', 'Api'], optional: [], apiInputs: true },
  'aws:assertAwsResourceProperty': { required: ['Service', 'Api', 'PropertySelector', 'DesiredValues'], optional: [], apiInputs: true },
};
const STRING_OPERATORS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'];
const NUMERIC_OPERATORS = ['NumericEquals', 'NumericGreater', 'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals'];
const OPERATORS = [...STRING_OPERATORS, ...NUMERIC_OPERATORS, 'BooleanEquals'];

/** Problems of one aws:branch choice (top: it carries NextStep). */
function choiceProblems(choice: unknown, where: string, top: boolean): string[] {
  if (!isDict(choice)) return [`${where} is not a mapping`];
  const problems: string[] = [];
  const keys = Object.keys(choice).filter((k) => k !== 'NextStep');
  if (top && !isString(choice.NextStep)) problems.push(`${where} has no NextStep`);
  if (!top && 'NextStep' in choice) problems.push(`${where}: NextStep only on top-level choices`);
  if (keys.length === 1 && (keys[0] === 'And' || keys[0] === 'Or')) {
    const list = choice[keys[0]];
    if (!Array.isArray(list) || list.length < 2) return [...problems, `${where}.${keys[0]} needs a list of at least two choices`];
    return [...problems, ...list.flatMap((c, i) => choiceProblems(c, `${where}.${keys[0]}[${i}]`, false))];
  }
  if (keys.length === 1 && keys[0] === 'Not') return [...problems, ...choiceProblems(choice.Not, `${where}.Not`, false)];
  const operators = keys.filter((k) => OPERATORS.includes(k));
  if (!isString(choice.Variable) || referencesIn(choice.Variable).length !== 1) problems.push(`${where}.Variable is not one {{ reference }}`);
  if (operators.length !== 1) problems.push(`${where} needs exactly one operator (${OPERATORS.join(', ')}), has ${operators.join(', ') || 'none'}`);
  const unknown = keys.filter((k) => k !== 'Variable' && !OPERATORS.includes(k));
  if (unknown.length > 0) problems.push(`${where} has unknown keys ${unknown.join(', ')}`);
  const op = operators[0];
  if (op) {
    const value = choice[op];
    const ok = STRING_OPERATORS.includes(op) ? isString(value) : NUMERIC_OPERATORS.includes(op) ? typeof value === 'number' : typeof value === 'boolean';
    if (!ok) problems.push(`${where}.${op} has a value of the wrong type (${JSON.stringify(value)})`);
  }
  return problems;
}

describe('action inputs', () => {
  it.each(DOC.steps.map((s) => [s.name, s] as const))('%s has the keys and inputs its action accepts', (_name, step) => {
    expect(Object.keys(step.raw).filter((k) => !STEP_KEYS.includes(k))).toEqual([]);
    const spec = ACTION_KEYS[step.action];
    expect(spec).toBeDefined();
    const keys = Object.keys(step.inputs);
    expect(spec!.required.filter((k) => !keys.includes(k))).toEqual([]);
    if (!spec!.apiInputs) expect(keys.filter((k) => !spec!.required.includes(k) && !spec!.optional.includes(k))).toEqual([]);
    if (step.action !== 'aws:branch') {
      expect(typeof step.raw.timeoutSeconds).toBe('number');
      expect(step.raw.timeoutSeconds).toBeLessThanOrEqual(600);
    }
  });

  it.each(scriptSteps().map((s) => [s.name, s] as const))('%s runs python3.11 with a top-level handler of its inline Script', (_n, step) => {
    expect(step.inputs.Runtime).toBe('python3.11');
    expect(isString(step.inputs.Script) && step.inputs.Script.trim().length > 0).toBe(true);
    expect(step.inputs.Attachment).toBeUndefined();
    const handler = String(step.inputs.Handler);
    expect(handler).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(String(step.inputs.Script)).toMatch(new RegExp(`^def ${handler}\\(events, context\\):`, 'm'));
    if (step.inputs.InputPayload !== undefined) expect(isDict(step.inputs.InputPayload)).toBe(true);
  });

  it.each(scriptSteps().map((s) => [s.name, s] as const))('%s reads only InputPayload keys, and reads them all', (_n, step) => {
    const script = String(step.inputs.Script);
    const read = new Set([...script.matchAll(/events(?:\[|\.get\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!));
    const given = Object.keys(isDict(step.inputs.InputPayload) ? step.inputs.InputPayload : {});
    expect([...read].filter((k) => !given.includes(k))).toEqual([]);
    expect(given.filter((k) => !read.has(k))).toEqual([]);
  });

  it.each(scriptSteps().map((s) => [s.name, s] as const))('%s returns each key its outputs select', (_n, step) => {
    const script = String(step.inputs.Script);
    const selected = step.outputs.map((o) => /^\$\.Payload\.([A-Za-z0-9_]+)$/.exec(o.Selector)?.[1]).filter(isString);
    expect(selected.filter((k) => !script.includes(`'${k}'`) && !new RegExp(`\\b${k}=`).test(script))).toEqual([]);
  });

  it.each(DOC.steps.filter((s) => s.action === 'aws:branch').map((s) => [s.name, s] as const))('%s has valid choices', (_n, step) => {
    const choices = step.inputs.Choices;
    expect(Array.isArray(choices) && choices.length > 0).toBe(true);
    expect((choices as unknown[]).flatMap((c, i) => choiceProblems(c, `Choices[${i}]`, true))).toEqual([]);
  });

  it('branches on values DiscoverChain can produce', () => {
    const discover = String(stepNamed('DiscoverChain').inputs.Script);
    for (const step of DOC.steps.filter((s) => s.action === 'aws:branch')) {
      for (const choice of step.inputs.Choices as Dict[]) {
        if (isString(choice.StringEquals)) expect(discover).toContain(`'${choice.StringEquals}'`);
      }
    }
  });

  it.each(DOC.steps.filter((s) => s.action === 'aws:assertAwsResourceProperty').map((s) => [s.name, s] as const))(
    '%s reads with a Describe/Get/List API and compares strings',
    (_n, step) => {
      expect(step.inputs.Api).toEqual(expect.stringMatching(/^(Describe|Get|List)[A-Z]/));
      expect(step.inputs.PropertySelector).toEqual(expect.stringMatching(/^\$\./));
      const desired = step.inputs.DesiredValues;
      expect(Array.isArray(desired) && desired.length > 0 && desired.every(isString)).toBe(true);
    },
  );

  it('asserts ActionsEnabled as the string SSM compares ("True")', () => {
    const assert = DOC.steps.filter((s) => s.action === 'aws:assertAwsResourceProperty' && String(s.inputs.PropertySelector).endsWith('ActionsEnabled'));
    for (const s of assert) expect(s.inputs.DesiredValues).toEqual(['True']);
  });
});

// ---- AWS API inputs against the botocore service model ---------------------------------------------------------

interface ShapeRef {
  shape: string;
}
interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
}
interface ServiceModel {
  operations: Record<string, { input?: ShapeRef }>;
  shapes: Record<string, Shape>;
}

function botocoreDataDir(): string | undefined {
  const candidates: string[] = [];
  const withBotocore = findPython(['botocore']);
  if ('command' in withBotocore) {
    const probe = spawnSync(withBotocore.command, ['-c', 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (probe.status === 0) candidates.push(probe.stdout.trim());
  }
  candidates.push('/usr/lib/python3/dist-packages/botocore/data');
  return candidates.find((d) => existsSync(d));
}

const BOTOCORE = botocoreDataDir();

function serviceModel(service: string): ServiceModel | undefined {
  if (!BOTOCORE) return undefined;
  const dir = path.join(BOTOCORE, service);
  if (!existsSync(dir)) return undefined;
  for (const version of readdirSync(dir).sort().reverse()) {
    const plain = path.join(dir, version, 'service-2.json');
    if (existsSync(plain)) return JSON.parse(readFileSync(plain, 'utf8')) as ServiceModel;
    if (existsSync(`${plain}.gz`)) return JSON.parse(gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8')) as ServiceModel;
  }
  return undefined;
}

const isWholeReference = (v: unknown): boolean => isString(v) && /^\{\{\s*[^{}]+?\s*\}\}$/.test(v);

/** Problems of `value` as an instance of the model's shape (references stand for any value of the right type). */
function shapeProblems(model: ServiceModel, shapeName: string, value: unknown, where: string): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${where}: shape ${shapeName} is not in the model`];
  if (isWholeReference(value) && shape.type !== 'structure') return [];
  switch (shape.type) {
    case 'structure': {
      if (!isDict(value)) return [`${where} must be a mapping (${shapeName})`];
      const members = shape.members ?? {};
      const unknown = Object.keys(value).filter((k) => !(k in members));
      const missing = (shape.required ?? []).filter((k) => !(k in value));
      return [
        ...unknown.map((k) => `${where}.${k} is not a parameter of ${shapeName} (it has ${Object.keys(members).join(', ')})`),
        ...missing.map((k) => `${where}.${k} is required by ${shapeName}`),
        ...Object.entries(value).filter(([k]) => k in members).flatMap(([k, v]) => shapeProblems(model, members[k]!.shape, v, `${where}.${k}`)),
      ];
    }
    case 'list':
      if (!Array.isArray(value)) return [`${where} must be a list (${shapeName})`];
      return value.flatMap((v, i) => shapeProblems(model, shape.member!.shape, v, `${where}[${i}]`));
    case 'map':
      if (!isDict(value)) return [`${where} must be a mapping (${shapeName})`];
      return Object.entries(value).flatMap(([k, v]) => shapeProblems(model, shape.value!.shape, v, `${where}.${k}`));
    case 'string': {
      if (!isString(value)) return [`${where} must be a string (${shapeName}), is ${JSON.stringify(value)}`];
      if (value.includes('{{')) return [];
      const problems: string[] = [];
      if (shape.enum && !shape.enum.includes(value)) problems.push(`${where} '${value}' is not one of ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && value.length < shape.min) problems.push(`${where} is shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) problems.push(`${where} is longer than ${shape.max}`);
      return problems;
    }
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${where} must be an integer (${shapeName}), is ${JSON.stringify(value)}`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${where} must be a number (${shapeName}), is ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${where} must be a boolean (${shapeName}), is ${JSON.stringify(value)}`];
    default:
      return [];
  }
}

const API_STEPS = DOC.steps.filter((s) => s.action === 'aws:executeAwsApi' || s.action === 'aws:assertAwsResourceProperty');
const NOT_API_INPUTS = ['Service', 'Api', 'PropertySelector', 'DesiredValues'];

const modelSkipping = skipWhen(
  BOTOCORE
    ? undefined
    : 'botocore service models not found (install python3-botocore, or botocore for the python3 on PATH); ' +
        'AWS API inputs of aws:executeAwsApi/aws:assertAwsResourceProperty steps are NOT checked against the API',
);

describe('AWS API inputs (botocore service model)', () => {
  it.each(API_STEPS.map((s) => [s.name, s] as const))('%s names a boto3 service, a PascalCase API and its parameters', (_n, step) => {
    expect(step.inputs.Service).toEqual(expect.stringMatching(/^[a-z][a-z0-9-]*$/));
    expect(step.inputs.Api).toEqual(expect.stringMatching(/^[A-Z][A-Za-z0-9]+$/));
  });

  modelSkipping.it.each(API_STEPS.map((s) => [s.name, s] as const))(
    modelSkipping.title('%s: Service/Api exist and the inputs match the API request shape'),
    (_n, step) => {
      const model = serviceModel(String(step.inputs.Service));
      expect(model).toBeDefined();
      const operation = model!.operations[String(step.inputs.Api)];
      expect(operation).toBeDefined();
      const inputs = Object.fromEntries(Object.entries(step.inputs).filter(([k]) => !NOT_API_INPUTS.includes(k)));
      const problems = operation!.input ? shapeProblems(model!, operation!.input.shape, inputs, step.name) : Object.keys(inputs);
      expect(problems).toEqual([]);
    },
  );

  modelSkipping.it(modelSkipping.title('the model check itself refuses wrong names, types and enum values'), () => {
    const model = serviceModel('cloudwatch')!;
    const input = model.operations.PutMetricAlarm!.input!.shape;
    const good = { AlarmName: 'a', EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 };
    expect(shapeProblems(model, input, good, 'x')).toEqual([]);
    expect(shapeProblems(model, input, { ...good, alarmName: 'a' }, 'x')).toEqual([expect.stringContaining('x.alarmName is not a parameter')]);
    expect(shapeProblems(model, input, { ...good, EvaluationPeriods: '1' }, 'x')).toEqual([expect.stringContaining('must be an integer')]);
    expect(shapeProblems(model, input, { ...good, ComparisonOperator: 'GreaterThan' }, 'x')).toEqual([expect.stringContaining('is not one of')]);
    // Only AlarmName stays required in every model: botocore 1.43 (a pip or pyenv boto3) no longer requires
    // EvaluationPeriods and ComparisonOperator, which Debian's 1.29 does.
    expect(shapeProblems(model, input, {}, 'x')).toContain(`x.AlarmName is required by ${input}`);
  });
});

// ---- the alarm and filter the runbook creates satisfy the rule ---------------------------------------------------

describe('what the runbook creates', () => {
  const filterStep = stepNamed('CreateMetricFilter').inputs;
  const alarmStep = stepNamed('CreateAlarm').inputs;
  const transformations = (filterStep.metricTransformations as Dict[]).map((t) => ({
    metricName: 'UnauthorizedAPICalls',
    metricNamespace: 'CISBenchmark',
    metricValue: String(t.metricValue),
    ...(t.defaultValue !== undefined ? { defaultValue: Number(t.defaultValue) } : {}),
    ...(typeof t.unit === 'string' ? { unit: t.unit } : {}),
    ...(isDict(t.dimensions) ? { dimensions: t.dimensions as Record<string, string> } : {}),
  }));
  const filter: MetricFilter = { filterName: 'f', filterPattern: '{ $.errorCode = * }', logGroupName: 'g', metricTransformations: transformations };

  it('a filter whose metric one alarm can watch', () => {
    expect(transformations).toHaveLength(1);
    expect(checkTransformation(filter)).toEqual({ ok: true });
  });

  it("an alarm the rule's checkAlarmFires accepts, with actions enabled", () => {
    const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
    const alarm: MetricAlarm = {
      alarmName: 'a',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:a',
      region: 'us-east-1',
      actionsEnabled: alarmStep.ActionsEnabled === true,
      alarmActions: ['arn:aws:sns:us-east-1:111122223333:topic'],
      metricName: 'UnauthorizedAPICalls',
      namespace: 'CISBenchmark',
      ...(isString(alarmStep.Statistic) ? { statistic: alarmStep.Statistic } : {}),
      ...(isString(alarmStep.ExtendedStatistic) ? { extendedStatistic: alarmStep.ExtendedStatistic } : {}),
      ...(isString(alarmStep.Unit) ? { unit: alarmStep.Unit } : {}),
      dimensions: [],
      evaluationPeriods: num(alarmStep.EvaluationPeriods) ?? 0,
      ...(num(alarmStep.DatapointsToAlarm) !== undefined ? { datapointsToAlarm: num(alarmStep.DatapointsToAlarm) } : {}),
      ...(num(alarmStep.Threshold) !== undefined ? { threshold: num(alarmStep.Threshold) } : {}),
      comparisonOperator: String(alarmStep.ComparisonOperator),
      ...(isString(alarmStep.TreatMissingData) ? { treatMissingData: alarmStep.TreatMissingData } : {}),
    };
    expect(checkAlarmFires(alarm, filter)).toEqual({ ok: true });
    expect(alarm.actionsEnabled).toBe(true);
    expect(['breaching', 'notBreaching', 'ignore', 'missing']).toContain(alarmStep.TreatMissingData);
    expect(alarmStep.Dimensions).toBeUndefined();
    expect(alarmStep.Metrics).toBeUndefined();
    expect(alarmStep.AlarmActions).toEqual(['{{ PrepareTopic.TopicArn }}']);
  });

  it('watches the metric the filter publishes', () => {
    const t = (filterStep.metricTransformations as Dict[])[0]!;
    expect([alarmStep.Namespace, alarmStep.MetricName]).toEqual([t.metricNamespace, t.metricName]);
  });
});

// ---- inline Python: compiled, handlers, constants --------------------------------------------------------------

interface ScriptReport {
  error?: string;
  execError?: string;
  functions?: Record<string, string[]>;
  constants?: Record<string, JsonValue>;
}

const PROBE = String.raw`
import ast, json, sys, types
sys.modules['boto3'] = types.ModuleType('boto3')  # the scripts call boto3 only inside functions
out = {'python': '%d.%d' % sys.version_info[:2], 'steps': {}}
for s in json.load(sys.stdin):
    r = out['steps'][s['name']] = {}
    try:
        code = compile(s['script'], '<%s>' % s['name'], 'exec')
        tree = ast.parse(s['script'])
    except SyntaxError as e:
        r['error'] = '%s (line %s)' % (e.msg, e.lineno)
        continue
    r['functions'] = {n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)}
    ns = {'__name__': 'ssm_' + s['name']}
    try:
        exec(code, ns)
    except Exception as e:
        r['execError'] = repr(e)
        continue
    constants = {}
    for k, v in ns.items():
        if k.isupper():
            try:
                constants[k] = json.loads(json.dumps(v))
            except (TypeError, ValueError):
                pass
    r['constants'] = constants
print(json.dumps(out))
`;

function runProbe(): { python: string; steps: Record<string, ScriptReport> } | string {
  if ('missing' in ANY_PYTHON) return ANY_PYTHON.missing;
  const input = JSON.stringify(scriptSteps().map((s) => ({ name: s.name, script: String(s.inputs.Script) })));
  const r = spawnSync(PYTHON, ['-c', PROBE], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return `${PYTHON} failed (${r.status ?? r.signal}): ${r.stderr || String(r.error)}`;
  return JSON.parse(r.stdout) as { python: string; steps: Record<string, ScriptReport> };
}

const PROBED = runProbe();
const PY = typeof PROBED === 'string' ? undefined : PROBED;
const pySkipping = skipWhen(typeof PROBED === 'string' ? `inline Python checks: ${PROBED}` : undefined);
const describePy = (title: string, body: () => void): void => pySkipping.describe(pySkipping.title(title), body);

function report(step: string): ScriptReport {
  const r = PY?.steps[step];
  if (!r) throw new Error(`no probe report for ${step}`);
  return r;
}

function constant<T extends JsonValue>(name: string): T {
  const value = report('DiscoverChain').constants?.[name];
  if (value === undefined) throw new Error(`DiscoverChain defines no ${name}`);
  return value as T;
}

describePy('inline Python', () => {
  it.each(scriptSteps().map((s) => [s.name, s] as const))('%s compiles, loads, and defines its handler(events, context) at top level', (name, step) => {
    const r = report(name);
    expect(r.error).toBeUndefined();
    expect(r.execError).toBeUndefined();
    expect(r.functions?.[String(step.inputs.Handler)]).toEqual(['events', 'context']);
  });

  it('is checked with the runtime the document asks for', () => {
    if (PY!.python !== '3.11') console.warn(`document.test.ts: inline scripts compiled with Python ${PY!.python}, not 3.11`);
    expect(PY!.python).toMatch(/^3\.\d+$/);
  });

  it('CreateAlarm writes the alarm description DiscoverChain decides, the one discover recognises as its own', () => {
    expect(stepNamed('CreateAlarm').inputs.AlarmDescription).toBe('{{ DiscoverChain.AlarmDescription }}');
    const format = constant<string>('ALARM_DESCRIPTION');
    expect(CONTROLS.map((c) => format.replace('%s', pythonSubject(c.subject)))).toEqual(CONTROLS.map(alarmDescriptionOf));
    // The text 4.1 alarms created before the family carry: they stay the runbook's own.
    expect(alarmDescriptionOf(CONTROLS[0]!)).toBe('CIS unauthorized API calls (created by UnauthorizedApiCallsMonitored-Remediation)');
  });
});

// ---- witness records and the CIS pattern ------------------------------------------------------------------------

/** Python's reading of a subject in messages and alarm descriptions (DiscoverChain's discover). */
function pythonSubject(subject: string): string {
  return /^[A-Z][a-z]/.test(subject) ? subject.charAt(0).toLowerCase() + subject.slice(1) : subject;
}

interface EmbeddedControl {
  patterns: { cis: string; securityhub?: string };
}
let witnessCache: { witnesses: Record<string, [JsonObject[], JsonObject[]]>; controls: Record<string, EmbeddedControl> } | undefined;
/** DiscoverChain's own witnesses(control) for every control, and its CONTROLS, as the document's Python computes them. */
function pythonEmbedded(): NonNullable<typeof witnessCache> {
  if (witnessCache) return witnessCache;
  const probe = String.raw`
import json, sys, types
sys.modules['boto3'] = types.ModuleType('boto3')
ns = {'__name__': 'ssm_DiscoverChain'}
exec(compile(sys.stdin.read(), '<DiscoverChain>', 'exec'), ns)
controls = ns['CONTROLS']['controls']
print(json.dumps({'witnesses': {c: ns['witnesses'](c) for c in controls}, 'controls': controls}))
`;
  const r = spawnSync(PYTHON, ['-c', probe], { input: String(stepNamed('DiscoverChain').inputs.Script), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr}`);
  witnessCache = JSON.parse(r.stdout) as NonNullable<typeof witnessCache>;
  return witnessCache;
}
const pythonWitnesses = () => pythonEmbedded().witnesses;
const pythonControls = () => pythonEmbedded().controls;

const KEY_FIELDS = ['eventSource', 'eventName', 'errorCode', 'sourceIPAddress'] as const;
const keyOf = (r: JsonObject): string => JSON.stringify(KEY_FIELDS.map((f) => r[f] ?? null));

function parsed(text: string) {
  const result = parseFilterPattern(text);
  if (!result.ok) throw new Error(`does not parse: ${text}: ${result.error.message}`);
  return result.pattern;
}
const UNAUTHORIZED = parsed(UNAUTHORIZED_CALL_DEFINITION);

function typeOk(type: FieldType, value: JsonValue | undefined): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isDict(value);
    case 'objectOrNull':
      return value === null || isDict(value);
    case 'array':
      return Array.isArray(value);
  }
}

describePy('DiscoverChain witness records and CIS pattern', () => {
  const mustMatch = (): JsonObject[] => pythonWitnesses()['unauthorized-api-calls']![0];
  const mustNotMatch = (): JsonObject[] => pythonWitnesses()['unauthorized-api-calls']![1];

  /** What DiscoverChain concludes from logs:TestMetricFilter, with the rule's engine standing in for AWS's. */
  function witnessAccepts(pattern: string): boolean | 'not evaluated' {
    const result = parseFilterPattern(pattern);
    if (!result.ok) return false; // AWS refuses it too: InvalidParameterException, which discover treats as not accepted
    try {
      return mustMatch().every((r) => matchesLogEvent(result.pattern, r)) && !mustNotMatch().some((r) => matchesLogEvent(result.pattern, r));
    } catch (e) {
      if (e instanceof UnsupportedPatternError) return 'not evaluated';
      throw e;
    }
  }

  it("holds unauthorized calls to match and successful calls not to, by the rule's own definition", () => {
    expect(mustMatch().filter((r) => !matchesLogEvent(UNAUTHORIZED, r)).map(keyOf)).toEqual([]);
    expect(mustNotMatch().filter((r) => r.errorCode !== undefined).map(keyOf)).toEqual([]);
  });

  it("covers the rule's sample unauthorized calls and successful calls", () => {
    const have = (records: JsonObject[]) => new Set(records.map(keyOf));
    const must = have(mustMatch());
    const mustNot = have(mustNotMatch());
    expect(SAMPLE_RECORDS.filter((r) => matchesLogEvent(UNAUTHORIZED, r)).map(keyOf).filter((k) => !must.has(k))).toEqual([]);
    expect(SAMPLE_RECORDS.filter((r) => r.errorCode === undefined).map(keyOf).filter((k) => !mustNot.has(k))).toEqual([]);
  });

  it('the witness records carry every field CloudTrail always writes, with its type', () => {
    // A filter the rule accepts, such as the CIS pattern "&& $.eventID = *", must match the witnesses too.
    const always = Object.entries(CLOUDTRAIL_FIELDS).filter(([, f]) => f.always);
    const missing = [...mustMatch(), ...mustNotMatch()].flatMap((r) =>
      always
        .filter(([field, f]) => {
          const [top, sub] = field.split('.');
          const value = sub === undefined ? r[top!] : isDict(r[top!]) ? (r[top!] as JsonObject)[sub] : undefined;
          return !typeOk(f.type, value);
        })
        .map(([field]) => `${JSON.stringify(r.eventName)}: ${field}`),
    );
    expect(missing).toEqual([]);
  });

  it("CIS_PATTERN is the grouped (A || B) && C && D form, accepted by the rule's judge and equal to no printed CIS text", () => {
    const pattern = pythonControls()['unauthorized-api-calls']!.patterns.cis;
    expect(withoutWhitespace(pattern)).toBe(
      withoutWhitespace('{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'),
    );
    const verdict = judgePattern(pattern);
    expect(verdict).toMatchObject({ valid: true, accepted: true, counterexample: null, sameMatchesAs: [] });
  });

  it("CIS_PATTERN matches every must-match record, no must-not-match record, and each sample as the rule's definition does", () => {
    const pattern = parsed(pythonControls()['unauthorized-api-calls']!.patterns.cis);
    expect(mustMatch().filter((r) => !matchesLogEvent(pattern, r)).map(keyOf)).toEqual([]);
    expect(mustNotMatch().filter((r) => matchesLogEvent(pattern, r)).map(keyOf)).toEqual([]);
    expect(SAMPLE_RECORDS.map((r) => matchesLogEvent(pattern, r))).toEqual(SAMPLE_RECORDS.map((r) => matchesLogEvent(UNAUTHORIZED, r)));
  });

  // Discover keeps any filter logs:TestMetricFilter shows matching MUST_MATCH and not MUST_NOT_MATCH. If that
  // acceptance differs from the rule's judge, the runbook either keeps a filter the rule rejects (the account stays
  // NON_COMPLIANT while the runbook reports Compliant and changes nothing, on every run) or adds a second filter
  // beside one the rule accepts.
  // The witness records must be rich enough to tell these apart as the judge does: exact error codes, widened
  // patterns, term patterns, and conditions on fields every record has.
  const cases = [
    ...ACCEPTED.map((c) => [c.name, c.pattern] as const),
    ...REJECTED.map((c) => [c.name, c.pattern] as const),
    ...REALISM_CASES.map((c) => [c.name, c.pattern] as const),
    ['exact Client.UnauthorizedOperation', '{ ($.errorCode = "Client.UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'] as const,
    ['CIS v1.2 and $.eventID = *', '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.eventID = * }'] as const,
  ];
  it.each(cases)("discover's witness test agrees with the rule's judge: %s", (_name, pattern) => {
    const witness = witnessAccepts(pattern);
    if (witness === 'not evaluated') return; // space-delimited: the rule's engine does not evaluate it, AWS's does
    expect({ pattern, keptByDiscover: witness }).toEqual({ pattern, keptByDiscover: judgePattern(pattern).accepted });
  });
});

// ---- DiscoverChain reads topics and subscriptions as the rule does ----------------------------------------------

/** Runs DiscoverChain's sns_topics_of and is_confirmed (boto3 shapes) on the given alarm actions and subscription ARNs. */
function discoverReads(actions: string[][], subscriptionArns: string[]): { topics: string[][]; confirmed: boolean[] } {
  const script = String(stepNamed('DiscoverChain').inputs.Script);
  const probe = String.raw`
import json, sys, types
sys.modules['boto3'] = types.ModuleType('boto3')
ns = {'__name__': 'ssm_DiscoverChain'}
data = json.load(sys.stdin)
exec(compile(data['script'], '<DiscoverChain>', 'exec'), ns)
print(json.dumps({'topics': [ns['sns_topics_of']({'AlarmActions': a}) for a in data['actions']],
                  'confirmed': [ns['is_confirmed']({'SubscriptionArn': s}) for s in data['arns']]}))
`;
  const r = spawnSync(PYTHON, ['-c', probe], { input: JSON.stringify({ script, actions, arns: subscriptionArns }), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { topics: string[][]; confirmed: boolean[] };
}

describePy('DiscoverChain agrees with the rule (rule/chain.ts) on topics and confirmed subscriptions', () => {
  const ACTIONS = [
    ['arn:aws:sns:us-east-1:111122223333:security-alerts'],
    ['arn:aws:sns:us-east-1:111122223333:alerts.fifo', 'arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts'],
    ['arn:aws:automate:us-east-1:ec2:stop', 'arn:aws:ssm:us-east-1:111122223333:opsitem:3', 'arn:aws:swf:us-east-1:111122223333:action/actions/AWS_EC2.InstanceId.Reboot/1.0'],
    ['arn:aws:sns:us-east-1:1111:short-account', 'arn:aws:sns:us-east-1:111122223333:', 'arn:aws:sns:us-east-1:111122223333:a b', 'not-an-arn:sns:x'],
    ['arn:aws:lambda:us-east-1:111122223333:function:notify', 'arn:aws:sns:eu-west-1:444455556666:central'],
  ];
  const ARNS = ['arn:aws:sns:us-east-1:111122223333:security-alerts:0f1e2d3c', 'PendingConfirmation', 'Deleted', '', 'pending confirmation'];

  it('sns_topics_of and is_confirmed give what snsTopicsOf and isConfirmed give', () => {
    const python = discoverReads(ACTIONS, ARNS);
    const alarm = (alarmActions: string[]) => ({ alarmActions }) as unknown as MetricAlarm;
    expect(python.topics).toEqual(ACTIONS.map((a) => snsTopicsOf(alarm(a))));
    expect(python.confirmed).toEqual(ARNS.map((subscriptionArn) => isConfirmed({ subscriptionArn, protocol: 'email', endpoint: 'x@example.com' })));
  });
});
