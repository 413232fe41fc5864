/**
 * The patterns on which the remediation's witness test must agree with the rule's judge, per control, and the
 * witness test itself with the project's matcher standing in for AWS's engine. Used by the static agreement test
 * (controls-data.test.ts) and by the one that runs the document's Python against the local AWS
 * (test/remediation-e2e/witness-agreement.test.ts).
 */
import { NEWEST_CIS_VERSION, type Control } from '../../rule/controls/control';
import type { Witnesses } from '../../rule/controls/witnesses';
import { matchesLogEvent, UnsupportedPatternError } from '../../rule/pattern/evaluate';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { FAMILY_CASES } from '../fixtures/family-patterns';

/** What DiscoverChain concludes from logs:TestMetricFilter on the witnesses, the project's matcher standing in for AWS's. */
export function keeps(pattern: string, { mustMatch, mustNotMatch }: Witnesses): boolean | 'not evaluated' {
  const result = parseFilterPattern(pattern);
  if (!result.ok) return false; // AWS refuses it too (InvalidParameterException): not kept
  try {
    return mustMatch.every((r) => matchesLogEvent(result.pattern, r)) && !mustNotMatch.some((r) => matchesLogEvent(result.pattern, r));
  } catch (e) {
    if (e instanceof UnsupportedPatternError) return 'not evaluated';
    throw e;
  }
}

/** Cases beyond the family corpus, per control: breadth and narrowness the witnesses must tell apart. */
const EXTRA: Partial<Record<Control['id'], string[]>> = {
  'iam-policy-changes': [
    '{ $.eventSource = iam.amazonaws.com }',
    '{ ($.eventSource = iam.amazonaws.com) && ($.readOnly IS FALSE) }',
    '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = PutUserPolicy) || ($.eventName = AttachRolePolicy) }',
  ],
  'cmk-disable-or-scheduled-deletion': ['{ $.eventSource = kms.amazonaws.com }', '{ $.eventName = ScheduleKeyDeletion }', '{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }'],
  'root-usage': ['{ $.userIdentity.type = "Root" }', '{ $.userIdentity.type = "Root" && $.eventName = "ConsoleLogin" }', '{ $.userIdentity.type = "root" }'],
  'console-auth-failures': ['{ $.responseElements.ConsoleLogin = "Failure" }', '{ $.eventName = ConsoleLogin }'],
  'console-signin-without-mfa': ['{ $.eventName = "ConsoleLogin" }'],
  'organizations-changes': ['{ $.eventSource = organizations.amazonaws.com }'],
  'security-group-changes': ['{ ($.eventSource = ec2.amazonaws.com) && ($.readOnly IS FALSE) }'],
  'aws-config-changes': ['{ $.eventSource = config.amazonaws.com }'],
};

export function corpusOf(control: Control): [string, string][] {
  return [
    ...control.patterns.map((p) => [p.name, p.text] as [string, string]),
    ...FAMILY_CASES[control.id].filter((c) => (c.cisVersion ?? NEWEST_CIS_VERSION) === NEWEST_CIS_VERSION).map((c) => [c.why, c.pattern] as [string, string]),
    ...(EXTRA[control.id] ?? []).map((p) => ['extra', p] as [string, string]),
  ];
}

/**
 * Where the judge rejects with a record no service writes, so no realistic witness can agree with it. Each runs as
 * it.failing: when the judge is fixed, the test fails here and the entry goes.
 */
export const KNOWN_DISAGREEMENTS: Partial<Record<Control['id'], Record<string, string>>> = {};
