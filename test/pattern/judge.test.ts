/**
 * The judge's table: patterns found in CIS texts, baselines and real accounts, with the verdict a security team
 * should get and the evidence that backs it.
 */
import { CIS_PATTERNS, UNAUTHORIZED_CALL_DEFINITION } from '../../rule/pattern/cis';
import { matchesLogEvent, type JsonObject } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { ACCEPTED, REJECTED, type JudgeCase } from '../fixtures/judge-cases';

function parsed(text: string) {
  const result = parseFilterPattern(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.pattern;
}
const unauthorizedCall = parsed(UNAUTHORIZED_CALL_DEFINITION);

function expectRealisticRecord(record: JsonObject): void {
  for (const field of ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'eventID', 'recipientAccountId']) {
    expect(typeof record[field]).toBe('string');
  }
  expect(record.userIdentity).toEqual(expect.objectContaining({ type: expect.any(String) }));
}

describe('accepted patterns', () => {
  it.each(ACCEPTED.map((c) => [c.name, c] as const))('%s', (_name, c: JudgeCase) => {
    const verdict = judgePattern(c.pattern);
    expect(verdict).toMatchObject({ valid: true, accepted: true, counterexample: null });
    expect(verdict.reason).toMatch(/^catches every unauthorized call .* and no successful call/);
    if (c.sameMatchesAs) expect(verdict.sameMatchesAs).toEqual(c.sameMatchesAs);
  });
});

describe('rejected patterns', () => {
  it.each(REJECTED.map((c) => [c.name, c] as const))('%s', (_name, c: JudgeCase) => {
    const verdict = judgePattern(c.pattern);
    expect(verdict.accepted).toBe(false);
    expect(verdict.reason).toMatch(c.reason!);
    if (c.errorCode !== undefined) expect(verdict.counterexample?.errorCode).toBe(c.errorCode);
    if (!verdict.valid || verdict.counterexample === null) return;
    const record = verdict.counterexample;
    expectRealisticRecord(record);
    const pattern = parsed(c.pattern);
    if (verdict.counterexampleShows === 'overmatched') {
      // The counterexample is a successful call that the pattern really matches.
      expect(record.errorCode).toBeUndefined();
      expect(matchesLogEvent(pattern, record)).toBe(true);
    } else {
      expect(verdict.counterexampleShows).toBe('missed');
      // The counterexample is an unauthorized call that the pattern really misses.
      expect(matchesLogEvent(unauthorizedCall, record)).toBe(true);
      expect(matchesLogEvent(pattern, record)).toBe(false);
    }
  });

  it('summarises the all-|| verdict in the words a Config annotation uses', () => {
    expect(judgePattern(CIS_PATTERNS['cis-1.3']).summary).toBe(
      'also matches successful calls (DescribeInstances, no errorCode), so its alarm fires on normal activity; use the CIS pattern',
    );
  });

  it('keeps every summary short enough to share a 256-character annotation with the trail and filter names', () => {
    for (const c of [...ACCEPTED, ...REJECTED]) expect(judgePattern(c.pattern).summary.length).toBeLessThanOrEqual(150);
  });

  it('says to wrap a JSON condition typed without braces in { }, instead of judging it as words', () => {
    const verdict = judgePattern('$.errorCode = "AccessDenied*"');
    expect(verdict).toMatchObject({ valid: false, accepted: false, counterexample: null });
    expect(verdict.reason).toBe(
      'invalid filter pattern at character 1: JSON conditions go inside { }; without the braces this is read as a term pattern; wrap JSON conditions in { }, as in { $.errorCode = "AccessDenied*" }',
    );
    expect(verdict.summary).toContain('JSON conditions go inside { }');
  });

  it.each([
    [')))', /^invalid filter pattern at character 1: '\)' cannot appear in an unquoted term; /],
    ['hello world {{{', /^invalid filter pattern at character 13: '\{' cannot appear in an unquoted term; .*a JSON pattern starts with \{$/],
  ])('calls %j invalid, with the position and the fix, rather than a term pattern', (text, reason) => {
    const verdict = judgePattern(text);
    expect(verdict).toMatchObject({ valid: false, accepted: false, counterexample: null });
    expect(verdict.reason).toMatch(reason);
  });

  it('gives invalid patterns no counterexample and marks them invalid', () => {
    expect(judgePattern("{ $.errorCode = 'AccessDenied*' }")).toMatchObject({ valid: false, accepted: false, counterexample: null });
  });
});

describe('options', () => {
  it('accepts the all-|| pattern when the successful-call check is off, and says that it is broad', () => {
    const verdict = judgePattern(CIS_PATTERNS['cis-1.3'], { ceiling: false });
    expect(verdict.accepted).toBe(true);
    expect(verdict.reason).toContain('but also matches successful calls');
  });

  it('still rejects a narrow pattern when the successful-call check is off', () => {
    expect(judgePattern('{ $.errorCode = "AccessDenied*" }', { ceiling: false }).accepted).toBe(false);
  });

  describe('strict literal mode', () => {
    it.each([
      ['the Security Hub string', '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}', 'cis-1.2'],
      ['CIS v1.2 as printed, spaced', CIS_PATTERNS['cis-1.2'], 'cis-1.2'],
      ['CIS v2.0 as printed', CIS_PATTERNS['cis-2.0'], 'cis-2.0'],
      ['CIS v2.0 with newlines', CIS_PATTERNS['cis-2.0'].replace(/\|\|/g, '\n||\n'), 'cis-2.0'],
    ] as const)('accepts %s', (_what, text, version) => {
      expect(judgePattern(text, { strict: version }).accepted).toBe(true);
    });

    it.each([
      ['the v2.0 text under cis-1.2', CIS_PATTERNS['cis-2.0'], 'cis-1.2', /^it matches the right records, but strict cis-1\.2 mode requires the literal CIS v1\.2 text/],
      ['clauses swapped', '{ ($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation") }', 'cis-1.2', /differs at character 16 /],
      ['unquoted values', '{ ($.errorCode = *UnauthorizedOperation) || ($.errorCode = AccessDenied*) }', 'cis-1.2', /requires the literal/],
      ['extra outer parentheses', '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) }', 'cis-1.2', /requires the literal/],
      ['the broken v1.3 text', CIS_PATTERNS['cis-1.3'], 'cis-2.0', /^also matches successful calls.*; also, strict cis-2\.0 mode/],
    ] as const)('rejects %s', (_what, text, version, reason) => {
      const verdict = judgePattern(text, { strict: version });
      expect(verdict.accepted).toBe(false);
      expect(verdict.reason).toMatch(reason);
    });
  });
});
