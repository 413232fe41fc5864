/**
 * Filter patterns that anyone with logs:PutMetricFilter can put on a trail's log group, built to stall or crash
 * the judge (issue 9). Each must get a clear verdict or a clear error, quickly, and never be accepted unverified.
 */
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { formatPatternError, parseFilterPattern } from '../../rule/pattern/parser';
import { cachedRegexCount } from '../../rule/pattern/regex';

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

  it('a repeat count beyond 1000 is an error naming it, not a stack overflow', () => {
    expect(parseError('{ $.errorCode = %x{10000000}% }')).toBe(
      'at character 17: %x{10000000}% is not a valid regular expression (invalid repeat count: `{10000000}`); check its brackets, braces and escapes; a repeat count is at most 1000',
    );
  });

  it('keeps its cache of compiled regexes bounded', () => {
    for (let i = 0; i < 500; i++) matchesLogEvent({ kind: 'terms', terms: [{ mode: 'all', text: `a${i}b`, regex: true }] }, 'a1b');
    expect(cachedRegexCount()).toBeLessThanOrEqual(64);
  });
});
