/**
 * Every text the catalogue publishes, judged against its own control under each CIS version that prints it: correct
 * texts are accepted and name themselves among the same-match texts; broken ones are rejected, invalid or with a
 * record. Security Hub texts are judged under CIS v1.2, the standard their controls map to.
 */
import { CONTROLS, controlById } from '../../rule/controls/catalogue';
import type { CisVersion } from '../../rule/controls/control';
import { judgePattern } from '../../rule/pattern/judge';

const cases = CONTROLS.flatMap((control) =>
  control.patterns.flatMap((p) => (p.source === 'cis' ? p.versions : (['1.2'] as CisVersion[])).map((v) => [control.id, p.id, v, control, p] as const)),
);

describe('published texts', () => {
  it.each(cases)('%s %s under CIS v%s', (_id, _p, version, control, p) => {
    const verdict = judgePattern(p.text, { control, cisVersion: version });
    if (p.broken === undefined) {
      expect([verdict.accepted, verdict.reason]).toEqual([true, expect.stringMatching(/^catches every /)]);
      expect(verdict.sameMatchesAs.some((id) => control.patterns.find((q) => q.id === id)?.text.replace(/\s/g, '') === p.text.replace(/\s/g, ''))).toBe(true);
    } else {
      expect(verdict.accepted).toBe(false);
      if (verdict.valid) expect(verdict.counterexample).not.toBeNull();
    }
  });

  it('says which names of the list a pattern lacks', () => {
    const control = controlById('iam-policy-changes');
    const verdict = judgePattern('{ ($.eventName = PutUserPolicy) || ($.eventName = PutRolePolicy) }', { control });
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'missed' });
    expect(verdict.reason).toMatch(/^misses IAM policy changes: \w+ \(iam\.amazonaws\.com\) succeeding \(no errorCode\) does not match; it lacks DeleteGroupPolicy, DeleteRolePolicy, DeleteUserPolicy and 11 more of the CIS list$/);
  });

  it('accepts a Security Hub text in strict securityhub mode and rejects the CIS spelling there', () => {
    const control = controlById('console-auth-failures');
    const hub = control.patterns.find((p) => p.id === 'securityhub')!.text;
    const cis = control.patterns.find((p) => p.id === 'cis-1.2')!.text;
    expect(judgePattern(hub, { control, strict: 'securityhub' }).accepted).toBe(true);
    expect(judgePattern(cis.replace('ConsoleLogin', '"ConsoleLogin"'), { control, strict: 'securityhub' })).toMatchObject({
      accepted: false,
      summary: 'is not the literal Security Hub CloudWatch.6 text that strict mode requires',
    });
    expect(judgePattern(hub, { control, strict: 'cis-9.9' }).reason).toBe('strict mode names cis-9.9, which is not a correct text of console-auth-failures; use one of cis-1.2, securityhub');
  });

  it('describes a sign-in record by the fields that decide, not as a successful call', () => {
    const control = controlById('console-signin-without-mfa');
    const verdict = judgePattern('{ $.eventName = "ConsoleLogin" }', { control });
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'overmatched' });
    expect(verdict.summary).toBe('also matches sign-ins with MFA or other events (ConsoleLogin, no errorCode, userIdentity.type "IAMUser"), so its alarm fires on normal activity; use the CIS pattern');
    expect(verdict.counterexample).toMatchObject({ eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn', additionalEventData: { MFAUsed: 'Yes' }, responseElements: { ConsoleLogin: 'Success' } });
  });
});
