/**
 * The rule's parameters (AWS Config `InputParameters`), validated. Names are PascalCase like AWS managed rules'.
 * An unknown name is refused rather than ignored, so that a typo cannot silently switch a check off.
 */
import { CONTROLS, controlById, findControl } from './controls/catalogue';
import { CIS_VERSIONS, CONTROL_IDS, DEFAULT_CONTROL, NEWEST_CIS_VERSION, type CisVersion, type Control, type ControlId } from './controls/control';
import { printable } from './text';

export interface RuleParameters {
  /** The CIS Monitoring control the rule evaluates: one Lambda serves a Config rule per control. */
  control: ControlId;
  /** The CIS version whose policy the filter is judged by (the floor of security-group-changes grows in v5.0). */
  cisVersion: CisVersion;
  /** Accept only the literal text of this published pattern of the control (`cis-2.0`, `securityhub`, ...). */
  strictPatternVersion?: string;
  /** Accept filter patterns that also match successful calls (switches off the judge's ceiling). */
  allowBroadFilterPattern: boolean;
  /** Confirm the judge's verdict with AWS's own engine (logs:TestMetricFilter). */
  confirmWithTestMetricFilter: boolean;
  /** Role to assume in the account that owns an organization trail, to verify its filter, alarm and topic. */
  orgTrailReadRoleName?: string;
  /** Role to assume in the evaluated account, for organization rules run from a central account. */
  executionRoleName?: string;
}

export const DEFAULT_PARAMETERS: RuleParameters = {
  control: DEFAULT_CONTROL,
  cisVersion: NEWEST_CIS_VERSION,
  allowBroadFilterPattern: false,
  confirmWithTestMetricFilter: true,
};

/** Definitions shared by validation, parameters.json and the deployment templates. */
export const PARAMETER_DEFINITIONS = {
  Control: {
    description: 'The CIS Monitoring control evaluated: its short id (unauthorized-api-calls, root-usage, ...) or its Security Hub id (CloudWatch.1-14).',
    allowedValues: CONTROL_IDS,
    default: DEFAULT_CONTROL,
  },
  CisVersion: {
    description: "The CIS AWS Foundations Benchmark version whose policy applies (only security-group-changes differs: v5.0 adds ModifySecurityGroupRules).",
    allowedValues: CIS_VERSIONS,
    default: NEWEST_CIS_VERSION,
  },
  StrictPatternVersion: {
    description: "Accept only the literal text of one of the control's published patterns, whitespace aside (cis-1.2, cis-2.0, securityhub, ...); empty judges by meaning.",
    // Any control's ids, for templates; the rule accepts only its own control's.
    allowedValues: ['', ...new Set(CONTROLS.flatMap(strictPatternIds))],
    default: '',
  },
  AllowBroadFilterPattern: {
    description: 'true accepts filter patterns that also match successful calls (such as the CIS v1.3-v1.5 text).',
    allowedValues: ['true', 'false'],
    default: 'false',
  },
  ConfirmWithTestMetricFilter: {
    description: "true sends the judge's witness records to logs:TestMetricFilter; where AWS disagrees, AWS wins.",
    allowedValues: ['true', 'false'],
    default: 'true',
  },
  OrgTrailReadRoleName: {
    description: 'Name of a read-only role in the account that owns an organization trail; empty reports such trails NOT_APPLICABLE.',
    default: '',
  },
  ExecutionRoleName: {
    description: 'Name of the role to assume in each evaluated account (organization rules run from a central account); empty uses executionRoleArn.',
    default: '',
  },
} as const;

export type ParameterName = keyof typeof PARAMETER_DEFINITIONS;

/** IAM role names: 1-64 of letters, digits and +=,.@_- */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export class ParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterError';
  }
}

function parseBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ParameterError(`${name} must be true or false, not '${printable(value)}'`);
}

function parseRoleName(name: string, value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (!ROLE_NAME.test(v)) {
    throw new ParameterError(`${name} must be an IAM role name (1-64 letters, digits and +=,.@_-, no path or ARN), not '${printable(value)}'`);
  }
  return v;
}

/**
 * The control named by `value`: its short id or its Security Hub id (CloudWatch.3), case aside. `name` is what the
 * user wrote it as (the parameter, or a command-line option), for the message.
 */
export function parseControl(name: string, value: string): Control {
  const control = findControl(value.trim());
  if (!control) {
    throw new ParameterError(`${name} must be a control's short id or Security Hub id (CloudWatch.1-14), not '${printable(value)}'; controls: ${CONTROL_IDS.join(', ')}`);
  }
  return control;
}

/** CIS versions as the benchmark names them: 7.0, v7.0, 4.0.1, v1.4.0 (the patch level changes no pattern). */
const CIS_VERSION_TEXT = /^v?(\d{1,2}\.\d{1,2})(?:\.\d{1,2})?$/i;

export function parseCisVersion(name: string, value: string): CisVersion {
  const version = CIS_VERSION_TEXT.exec(value.trim())?.[1];
  const known = CIS_VERSIONS.find((v) => v === version);
  if (!known) throw new ParameterError(`${name} must be one of ${CIS_VERSIONS.join(', ')}, not '${printable(value)}'`);
  return known;
}

/**
 * The ids strict mode may demand for a control: its published patterns that are correct. A text FAMILY.md marks
 * broken (the CIS v1.3-v1.5 4.1 text) cannot be demanded: strict mode would pass the very pattern the judge rejects.
 */
export function strictPatternIds(control: Control): string[] {
  return control.patterns.filter((p) => p.broken === undefined).map((p) => p.id);
}

/** The published pattern id `value` of `control` (case aside), or undefined for an empty value. */
export function parseStrictPatternVersion(name: string, value: string, control: Control, empty: 'allowed' | 'refused' = 'allowed'): string | undefined {
  const id = value.trim().toLowerCase();
  if (id === '' && empty === 'allowed') return undefined;
  const valid = strictPatternIds(control);
  if (valid.includes(id)) return id;
  const broken = control.patterns.find((p) => p.id === id)?.broken;
  throw new ParameterError(
    `${name} must be ${empty === 'allowed' ? 'empty or ' : ''}one of ${valid.join(', ')} for ${control.id}, not '${printable(value)}'${broken === undefined ? '' : ` (that text is broken: ${broken})`}`,
  );
}

/**
 * Validates parameters given as an object of strings (as AWS Config passes them, JSON-decoded). Throws
 * ParameterError with a message naming the parameter.
 */
export function parseRuleParameters(input: unknown): RuleParameters {
  if (input === undefined || input === null) return { ...DEFAULT_PARAMETERS };
  if (typeof input !== 'object' || Array.isArray(input)) throw new ParameterError('rule parameters must be a JSON object');
  const result: RuleParameters = { ...DEFAULT_PARAMETERS };
  // Checked once the control is known, whatever the order of the names: the valid ids are the control's.
  let strict: string | undefined;
  // Own keys only: `in` would also accept Object.prototype's names (constructor, toString, __proto__, ...), which
  // JSON.parse turns into own properties of the decoded object. The result is built from fixed names, never from
  // the input's keys, so no input can reach a prototype.
  for (const [name, raw] of Object.entries(input)) {
    if (!Object.hasOwn(PARAMETER_DEFINITIONS, name)) {
      throw new ParameterError(`unknown rule parameter '${printable(name)}'; known: ${Object.keys(PARAMETER_DEFINITIONS).join(', ')}`);
    }
    if (typeof raw !== 'string' && typeof raw !== 'boolean') throw new ParameterError(`${name} must be a string`);
    const value = String(raw);
    switch (name as ParameterName) {
      case 'Control':
        result.control = parseControl(name, value).id;
        break;
      case 'CisVersion':
        result.cisVersion = parseCisVersion(name, value);
        break;
      case 'StrictPatternVersion':
        strict = value;
        break;
      case 'AllowBroadFilterPattern':
        result.allowBroadFilterPattern = parseBoolean(name, value);
        break;
      case 'ConfirmWithTestMetricFilter':
        result.confirmWithTestMetricFilter = parseBoolean(name, value);
        break;
      case 'OrgTrailReadRoleName': {
        const role = parseRoleName(name, value);
        if (role) result.orgTrailReadRoleName = role;
        break;
      }
      case 'ExecutionRoleName': {
        const role = parseRoleName(name, value);
        if (role) result.executionRoleName = role;
        break;
      }
    }
  }
  if (strict !== undefined) {
    const id = parseStrictPatternVersion('StrictPatternVersion', strict, controlById(result.control));
    if (id !== undefined) result.strictPatternVersion = id;
  }
  return result;
}

/** Parses the `ruleParameters` string of a Config event (absent or empty means defaults). */
export function parseRuleParametersJson(text: string | undefined): RuleParameters {
  if (text === undefined || text.trim() === '') return { ...DEFAULT_PARAMETERS };
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (e) {
    throw new ParameterError(`ruleParameters is not valid JSON: ${printable((e as Error).message, 200)}`);
  }
  return parseRuleParameters(decoded);
}
