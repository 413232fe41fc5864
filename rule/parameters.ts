/**
 * The rule's parameters (AWS Config `InputParameters`), validated. Names are PascalCase like AWS managed rules'.
 * An unknown name is refused rather than ignored, so that a typo cannot silently switch a check off.
 */
import { STRICT_VERSIONS, isStrictVersion, type StrictVersion } from './pattern/cis';
import { printable } from './text';

export interface RuleParameters {
  /** Accept only the literal text of this CIS version (Security Hub parity). */
  strictPatternVersion?: StrictVersion;
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
  allowBroadFilterPattern: false,
  confirmWithTestMetricFilter: true,
};

/** Definitions shared by validation, parameters.json and the deployment templates. */
export const PARAMETER_DEFINITIONS = {
  StrictPatternVersion: {
    description: `Accept only the literal metric filter text of this CIS version, whitespace aside (${STRICT_VERSIONS.join(' or ')}); empty judges by meaning.`,
    allowedValues: ['', ...STRICT_VERSIONS],
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
 * Validates parameters given as an object of strings (as AWS Config passes them, JSON-decoded). Throws
 * ParameterError with a message naming the parameter.
 */
export function parseRuleParameters(input: unknown): RuleParameters {
  if (input === undefined || input === null) return { ...DEFAULT_PARAMETERS };
  if (typeof input !== 'object' || Array.isArray(input)) throw new ParameterError('rule parameters must be a JSON object');
  const result: RuleParameters = { ...DEFAULT_PARAMETERS };
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
      case 'StrictPatternVersion': {
        const v = value.trim().toLowerCase();
        if (v === '') break;
        if (!isStrictVersion(v)) throw new ParameterError(`StrictPatternVersion must be empty or one of ${STRICT_VERSIONS.join(', ')}, not '${printable(value)}'`);
        result.strictPatternVersion = v;
        break;
      }
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
