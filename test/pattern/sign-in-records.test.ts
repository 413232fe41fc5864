/**
 * The judge's record space holds only records CloudTrail writes around console sign-ins: the fields only a
 * ConsoleLogin carries (responseElements.ConsoleLogin, additionalEventData.MFAUsed, ...), no errorCode on a sign-in,
 * and no event's name as an errorCode. Patterns that rely on those facts are judged by them, and a pattern that
 * misses a real sign-in is still rejected with one.
 */
import { controlById } from '../../rule/controls/catalogue';
import type { ControlId } from '../../rule/controls/control';
import { inconsistencies, writable } from '../../rule/pattern/cloudtrail';
import { judgePattern } from '../../rule/pattern/judge';

const judge = (control: ControlId, pattern: string) => judgePattern(pattern, { control: controlById(control) });

describe('sign-in records in the judge', () => {
  it('accepts responseElements.ConsoleLogin "Failure" for console authentication failures (FAMILY.md §4.6: an accepted superset)', () => {
    const verdict = judge('console-auth-failures', '{ $.responseElements.ConsoleLogin = "Failure" }');
    expect(verdict).toMatchObject({ valid: true, accepted: true, counterexample: null });
  });

  it('accepts the cloudquery form for sign-in without MFA: only ConsoleLogin carries MFAUsed and no error is named ConsoleLogin', () => {
    const verdict = judge('console-signin-without-mfa', '{ ($.errorCode = "ConsoleLogin") || ($.additionalEventData.MFAUsed != "Yes") }');
    expect(verdict).toMatchObject({ valid: true, accepted: true });
    // FAMILY.md §4.2: it means the same as the basic CIS text.
    expect(verdict.sameMatchesAs).toContain('cis-1.2');
  });

  it('shows root-usage a ConsoleLogin as CloudTrail writes it: from signin.amazonaws.com, without an errorCode', () => {
    const verdict = judge('root-usage', '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }');
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'overmatched' });
    const record = verdict.counterexample!;
    expect(record).toMatchObject({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn' });
    expect(record).not.toHaveProperty('errorCode');
    expect(inconsistencies(record)).toBe(0);
    expect(verdict.summary).not.toContain('UnauthorizedOperation');
    // Its outcome where CloudTrail writes it, and the console it signed in to.
    const outcome = record.errorMessage === undefined ? 'Success' : 'Failure';
    expect(record).toMatchObject({ responseElements: { ConsoleLogin: outcome }, additionalEventData: { LoginTo: expect.any(String), MobileVersion: 'No' } });
    expect(record).not.toHaveProperty('requestID');
  });

  it('still rejects a pattern that misses real failed sign-ins, with one', () => {
    const verdict = judge('console-auth-failures', '{ ($.responseElements.ConsoleLogin = "Failure") && ($.userIdentity.type = "IAMUser") }');
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'missed' });
    expect(verdict.counterexample).toMatchObject({ eventName: 'ConsoleLogin', userIdentity: { type: 'Root' }, responseElements: { ConsoleLogin: 'Failure' } });
    expect(inconsistencies(verdict.counterexample!)).toBe(0);
  });

  it('still rejects MFAUsed alone for root usage: a sign-in is not root usage unless the root user signs in', () => {
    const verdict = judge('root-usage', '{ $.additionalEventData.MFAUsed = "No" }');
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'overmatched' });
    expect(verdict.counterexample).toMatchObject({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' });
    expect(inconsistencies(verdict.counterexample!)).toBe(0);
  });

  it('says which records CloudTrail cannot write', () => {
    const login = { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' };
    expect(writable(login)).toBe(true);
    expect(writable({ ...login, errorCode: 'Client.UnauthorizedOperation' })).toBe(false);
    expect(writable({ ...login, eventName: 'RunInstances', eventSource: 'ec2.amazonaws.com', eventType: 'AwsApiCall' })).toBe(false);
    expect(writable({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventType: 'AwsApiCall', errorCode: 'ConsoleLogin' })).toBe(false);
    expect(writable({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventType: 'AwsApiCall', errorCode: 'Client.UnauthorizedOperation' })).toBe(true);
  });
});
