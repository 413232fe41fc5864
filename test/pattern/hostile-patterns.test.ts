/**
 * Filter patterns that anyone with logs:PutMetricFilter can put on a trail's log group, built to stall or crash
 * the judge (issue 9). Each must get a clear verdict or a clear error, quickly, and never be accepted unverified.
 */
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { FLOOR, judgePattern } from '../../rule/pattern/judge';
import { formatPatternError, parseFilterPattern } from '../../rule/pattern/parser';
import { RE2JS } from 're2js';
import { RecordSpace, SEARCH_WORK_LIMIT, SearchWork } from '../../rule/pattern/search';
import { ACCEPTED, ADVERSARIAL_FAMILIES } from '../fixtures/judge-cases';

function parseError(text: string): string {
  const parsed = parseFilterPattern(text);
  if (parsed.ok) throw new Error(`expected a parse error for ${text}`);
  return formatPatternError(parsed.error);
}

describe('look-alike spaces and invisible characters', () => {
  it('names a no-break space and where it is', () => {
    expect(parseError('{ $.errorCode\u00a0= "AccessDenied*" }')).toBe(
      'at character 14: U+00A0 NO-BREAK SPACE is not a space CloudWatch Logs accepts; type a plain space',
    );
  });

  it.each([
    ['\u2028', 'U+2028 LINE SEPARATOR is not a space CloudWatch Logs accepts; type a plain space'],
    ['\u3000', 'U+3000 IDEOGRAPHIC SPACE is not a space CloudWatch Logs accepts; type a plain space'],
    ['\u200b', 'U+200B ZERO WIDTH SPACE is an invisible character CloudWatch Logs does not accept; delete it'],
    ['\u202e', 'U+202E RIGHT-TO-LEFT OVERRIDE is an invisible character CloudWatch Logs does not accept; delete it'],
    ['\ufeff', 'U+FEFF ZERO WIDTH NO-BREAK SPACE is an invisible character CloudWatch Logs does not accept; delete it'],
  ])('names %j between JSON tokens', (ch, message) => {
    expect(parseError(`{ $.errorCode = "AccessDenied*" ||${ch} $.errorCode = "*UnauthorizedOperation" }`)).toBe(
      `at character 35: ${message}`,
    );
  });

  it('names them in term patterns and regexes too, which took them as part of a word', () => {
    expect(parseError('AccessDenied\u00a0ERROR')).toMatch(/^at character 13: U\+00A0 NO-BREAK SPACE /);
    expect(parseError('%Access\u2009Denied%')).toMatch(/^at character 8: U\+2009 THIN SPACE /);
  });

  it('keeps them inside a double-quoted string, where they are text to match', () => {
    const parsed = parseFilterPattern('{ $.errorMessage = "Access\u00a0Denied" }');
    expect(parsed.ok).toBe(true);
  });
});

describe('regexes run in linear time', () => {
  const slow = 'a'.repeat(40);

  it('a term regex with nested stars returns at once', () => {
    const parsed = parseFilterPattern('%.*.*.*Q%');
    if (!parsed.ok) throw new Error('does not parse');
    expect(matchesLogEvent(parsed.pattern, slow.repeat(50))).toBe(false);
    expect(matchesLogEvent(parsed.pattern, `${slow}Q`)).toBe(true);
  });

  it('a regex inside a JSON condition returns at once', () => {
    const parsed = parseFilterPattern('{ $.userAgent != %.*.*.*.*.*.*.*Q% }');
    if (!parsed.ok) throw new Error('does not parse');
    expect(matchesLogEvent(parsed.pattern, { userAgent: slow.repeat(50) })).toBe(true);
  });

  it('repeat counts adding up beyond 1000 are an error naming them, not a stack overflow', () => {
    expect(parseError('{ $.errorCode = %x{10000000}% }')).toBe(
      'at character 17: %x{10000000}% repeats items 10000000 times in all, more than the 1000 this tool can check; use smaller repeat counts, or + and * instead',
    );
    expect(parseError(`{ $.errorCode = %${'x{1000}'.repeat(140)}% }`)).toMatch(/repeats items 140000 times in all/);
    expect(parseFilterPattern('{ $.errorCode = %[{]x{1000}\\{5}% }').ok).toBe(true);
  });

  it('compiles a parsed regex once however often it is matched, and keeps no cache beyond the parsed pattern', () => {
    const compile = jest.spyOn(RE2JS, 'compile');
    try {
      const parsed = parseFilterPattern('{ $.errorCode = %Access[A-Z]\\w+% }');
      if (!parsed.ok) throw new Error('does not parse');
      const before = compile.mock.calls.length;
      for (let i = 0; i < 1000; i++) matchesLogEvent(parsed.pattern, { errorCode: `AccessDenied${i}` });
      expect(compile.mock.calls.length - before).toBe(1);
    } finally {
      compile.mockRestore();
    }
  });
});

describe('huge array indices', () => {
  it('never pads a record up to the index: the verdict is small and not verified, never accepted', () => {
    for (const pattern of ['{ $.a[999999999] = 1 }', '{ $.resources[99999999].ARN = "x" }', '{ $.a[1000000] = 1 }']) {
      const verdict = judgePattern(pattern);
      expect(verdict).toMatchObject({ valid: true, accepted: false, unverified: 'complexity', counterexample: null });
      expect(verdict.reason).toMatch(/^not verified: it tests array element \[\d+\], beyond the first 100 elements the judge models/);
    }
  });

  it('still rejects with a real record what it can show without the far element', () => {
    const pattern = '{ $.errorCode = "AccessDenied*" || $.requestParameters.items[5000] NOT EXISTS }';
    const verdict = judgePattern(pattern);
    expect(verdict).toMatchObject({ accepted: false, counterexampleShows: 'overmatched' });
    expect(verdict.unverified).toBeUndefined();
    const parsed = parseFilterPattern(pattern);
    if (!parsed.ok) throw new Error('does not parse');
    expect(matchesLogEvent(parsed.pattern, verdict.counterexample!)).toBe(true);
  });

  it('builds arrays up to a modelled index', () => {
    const verdict = judgePattern('{ $.errorCode = "AccessDenied*" || $.requestParameters.items[3] = 7 }');
    expect(verdict.counterexample?.requestParameters).toEqual({ items: [null, null, null, '7'] });
  });
});

describe('hostile patterns filled to 1,024 characters', () => {
  const cases = Object.entries(ADVERSARIAL_FAMILIES).flatMap(([family, patterns]) => patterns.map((pattern, i) => [`${family} #${i + 1}`, pattern] as const));

  it.each(cases)('%s: the judge answers with a reason, within its work budget, and a small record', (_name, pattern) => {
    const verdict = judgePattern(pattern);
    expect(verdict.reason).toMatch(/^(also matches|misses|never matches|not verified|invalid|a term pattern)/);
    expect(verdict.accepted).toBe(false);
    expect(JSON.stringify(verdict.counterexample ?? null).length).toBeLessThan(4096);
  });

  it.each(cases.filter(([, pattern]) => parseFilterPattern(pattern).ok && pattern.startsWith('{')))(
    '%s: the search stops within its work limit',
    (_name, pattern) => {
      const parsed = parseFilterPattern(pattern);
      if (!parsed.ok || parsed.pattern.kind !== 'json') throw new Error('not a JSON pattern');
      const expression = parsed.pattern.expression;
      const work = new SearchWork();
      const space = new RecordSpace([expression, FLOOR], work);
      space.find([{ expression, expected: true }]);
      space.find([{ expression: FLOOR, expected: true }, { expression, expected: false }]);
      // What one record costs past the limit, at most: the search stops at its next step.
      expect(work.spent).toBeLessThan(SEARCH_WORK_LIMIT * 1.05);
    },
  );

  it('decides the 112-term || of unknown fields, which took 4.7 s', () => {
    const pattern = ADVERSARIAL_FAMILIES['long || of unknown fields']![0]!;
    const verdict = judgePattern(pattern);
    expect(verdict.unverified).toBeUndefined();
    expect(verdict.reason).toMatch(/^also matches successful calls/);
  });

  it('still accepts every CIS variant of the corpus, well within the budget', () => {
    for (const c of ACCEPTED) expect(judgePattern(c.pattern, { workLimit: SEARCH_WORK_LIMIT / 20 })).toMatchObject({ accepted: true });
  });
});
