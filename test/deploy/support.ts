/** Shared by the deployment tests: the rule's own validation, the remediation document, policies of a role. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ParameterError, parseRuleParameters, type ParameterName } from '../../rule/parameters';
import { ROOT, isObject, listItems, props, type Json, type Template } from './cfn-template';

export const DOCUMENT_FILE = 'remediation/UnauthorizedApiCallsMonitored-Remediation.yaml';

export interface DocumentParameter {
  type: string;
  default?: string;
  allowedPattern?: string;
  allowedValues?: string[];
}

export function documentParameters(): Record<string, DocumentParameter> {
  const doc: unknown = parse(readFileSync(join(ROOT, DOCUMENT_FILE), 'utf8'));
  if (!isObject(doc) || !isObject(doc.parameters)) throw new Error(`${DOCUMENT_FILE} has no parameters`);
  // A mapping of parameter mappings, as the SSM document schema has it (type, default, allowedPattern, allowedValues).
  return doc.parameters as unknown as Record<string, DocumentParameter>;
}

/** Whether the rule's own validation (rule/parameters.ts) accepts a value. */
export function ruleAccepts(name: ParameterName, value: string): boolean {
  try {
    parseRuleParameters({ [name]: value });
    return true;
  } catch (e) {
    if (e instanceof ParameterError) return false;
    throw e;
  }
}

/** Values to try on role-name parameters: the rule and a template must agree on each. */
export const ROLE_NAME_SAMPLES = [
  '',
  'UnauthorizedApiCallsMonitoredOrgTrailReader',
  'a',
  'with+=,.@_-chars',
  'x'.repeat(64),
  'x'.repeat(65),
  'arn:aws:iam::999988887777:role/Reader',
  'path/Reader',
  'has space',
  ' padded ',
  'quote"inside',
];

/** The PolicyDocument of a role's inline policy, by name. */
export function policyDocument(template: Template, roleId: string, policyName: string): Json {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no resource ${roleId}`);
  const policy = listItems(props(role).Policies).find((p) => isObject(p.value) && p.value.PolicyName === policyName);
  if (!policy || !isObject(policy.value)) throw new Error(`${roleId} has no policy ${policyName}`);
  return policy.value.PolicyDocument ?? null;
}
