/**
 * The parser on every operator and edge case of the filter-pattern syntax. Valid patterns are checked through
 * their canonical print, which shows the tree's grouping; invalid ones by position, message and fix.
 * Pages: FPS = FilterAndPatternSyntax.html, JSON = matching-terms-json-log-events.html,
 * REGEX = regex-expressions.html, TERMS = matching-terms-unstructured-log-events.html,
 * API = API_PutMetricFilter.html (filterPattern length).
 */
import { MAX_PATTERN_LENGTH, formatPatternError, parseFilterPattern } from '../../rule/pattern/parser';
import { printPattern } from '../../rule/pattern/printer';

function canonical(text: string): string {
  const parsed = parseFilterPattern(text);
  if (!parsed.ok) throw new Error(`rejected: ${formatPatternError(parsed.error)}`);
  return printPattern(parsed.pattern);
}

describe('valid patterns', () => {
  it.each([
    ['JSON', 'a plain selector and a quoted string', '{ $.eventType = "UpdateTrail" }', '{ $.eventType = "UpdateTrail" }'],
    ['JSON', 'unquoted value with a trailing wildcard and dots', '{ $.sourceIPAddress != 123.123.* }', '{ $.sourceIPAddress != "123.123.*" }'],
    ['JSON', 'unquoted hostname', '{$.eventSource=s3.amazonaws.com}', '{ $.eventSource = "s3.amazonaws.com" }'],
    ['JSON', 'array index', '{ $.arrayKey[0] = "value" }', '{ $.arrayKey[0] = "value" }'],
    ['JSON', 'nested array index then key', '{ $.objectList[1].id = 2 }', '{ $.objectList[1].id = 2 }'],
    ['JSON', 'nested arrays', '{ $.coordinates[0][1] = nonmatch }', '{ $.coordinates[0][1] = "nonmatch" }'],
    ['JSON', 'key with a dot in brackets', "{ $.['cluster.name'] = \"c\" }", "{ $.['cluster.name'] = \"c\" }"],
    ['JSON', 'any array element', '{ $.arrayKey[*] = "value" }', '{ $.arrayKey[*] = "value" }'],
    ['JSON', 'any field', '{ $.* = "value" }', '{ $.* = "value" }'],
    ['JSON', 'IS NULL', '{ $.SomeObject IS NULL }', '{ $.SomeObject IS NULL }'],
    ['JSON', 'IS TRUE', '{ $.ThisFlag IS TRUE }', '{ $.ThisFlag IS TRUE }'],
    ['JSON', 'IS FALSE', '{ $.ThisFlag IS FALSE }', '{ $.ThisFlag IS FALSE }'],
    ['JSON', 'NOT EXISTS', '{ $.SomeOtherObject NOT EXISTS }', '{ $.SomeOtherObject NOT EXISTS }'],
    ['FPS', 'greater or equal', '{ $.latency >= 500 }', '{ $.latency >= 500 }'],
    ['FPS', 'less than with exponent', '{ $.numbers[0] < 10e3 }', '{ $.numbers[0] < 10000 }'],
    ['FPS', 'negative exponent', '{ $.numbers[0] < 10e-3 }', '{ $.numbers[0] < 0.01 }'],
    ['FPS', 'decimal', '{ $.processes[4].averageRuntime <= 55.5 }', '{ $.processes[4].averageRuntime <= 55.5 }'],
    ['FPS', 'explicit plus sign', '{ $.latency > +1000 }', '{ $.latency > 1000 }'],
    ['FPS', 'minus sign', '{ $.delta > -1.5 }', '{ $.delta > -1.5 }'],
    ['FPS', 'numeric inequality', '{ $.errorCode != 500 }', '{ $.errorCode != 500 }'],
    ['FPS', 'a quoted number stays a string', '{ $.code = "500" }', '{ $.code = "500" }'],
    ['FPS', 'leading wildcard', '{ $.errorCode = "*UnauthorizedOperation" }', '{ $.errorCode = "*UnauthorizedOperation" }'],
    ['FPS', 'value of just *', '{ $.latency = * }', '{ $.latency = "*" }'],
    ['FPS', 'escaped quote and backslash in a string', '{ $.msg = "say \\"hi\\" \\\\o/" }', '{ $.msg = "say \\"hi\\" \\\\o/" }'],
    ['REGEX', 'regex value', '{ $.eventType = %Trail% }', '{ $.eventType = %Trail% }'],
    ['REGEX', 'regex with classes, braces and escapes', '{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }', '{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }'],
    ['FPS', '&& binds tighter than ||', '{ $.a = 1 || $.b = 2 && $.c = 3 }', '{ $.a = 1 || $.b = 2 && $.c = 3 }'],
    ['FPS', 'parentheses override precedence', '{ ($.a = 1 || $.b = 2) && $.c = 3 }', '{ ($.a = 1 || $.b = 2) && $.c = 3 }'],
    ['FPS', 'redundant parentheses disappear', '{ ((($.a = 1))) && (($.b = 2) && ($.c = 3)) }', '{ $.a = 1 && $.b = 2 && $.c = 3 }'],
    ['FPS', 'newlines and tabs between tokens', '{\n\t$.a\n=\n"x"\n\t||\n$.b\t!=\t"y"\n}', '{ $.a = "x" || $.b != "y" }'],
    ['TERMS', 'terms', 'ERROR Exception', '"ERROR" "Exception"'],
    ['TERMS', 'optional and excluded terms, quoted phrase', '?ERROR ?WARN -"Exiting now"', '?"ERROR" ?"WARN" -"Exiting now"'],
    ['REGEX', 'standalone regex', '%[Ee]rror|[Ff]ail%', '%[Ee]rror|[Ff]ail%'],
    ['TERMS', 'empty pattern', '', ''],
    ['TERMS', 'a selector or || inside a quoted phrase is text to find', '"$.errorCode" "a || b"', '"$.errorCode" "a || b"'],
    ['TERMS', 'letters, digits and _ unquoted', 'ERROR_42 -Exiting ?WARN', '"ERROR_42" -"Exiting" ?"WARN"'],
    ['FPS', 'space-delimited pattern kept as written', '[ip, user, ..., status_code = 4*, bytes]', '[ip, user, ..., status_code = 4*, bytes]'],
  ])('%s: %s', (_page, _what, input, printed) => {
    expect(canonical(input)).toBe(printed);
  });

  it('accepts a pattern of exactly 1024 characters (API)', () => {
    const base = '{ $.errorCode = "';
    const text = base + 'A'.repeat(MAX_PATTERN_LENGTH - base.length - 3) + '" }';
    expect(text).toHaveLength(MAX_PATTERN_LENGTH);
    expect(parseFilterPattern(text).ok).toBe(true);
  });
});

describe('invalid patterns say where and how to fix', () => {
  it.each([
    ['FPS', 'single-quoted value', "{ $.errorCode = 'AccessDenied*' }", 16, 'single quotes are not string delimiters', 'use double quotes'],
    ['FPS', 'missing closing brace', '{ $.errorCode = "AccessDenied*" ', 32, 'never closed', "add the closing '}'"],
    ['FPS', 'unclosed parenthesis', '{ ($.a = 1 }', 11, 'parenthesis opened at character 3 is never closed', "add the closing ')'"],
    ['JSON', 'selector without $.', '{ errorCode = "x" }', 2, "does not start with $.", 'write $.errorCode'],
    ['JSON', '$ without a dot', '{ $errorCode = "x" }', 3, 'must start with $.', 'write $.'],
    ['FPS', 'double equals', '{ $.a == "x" }', 6, "'==' is not an operator", "single '='"],
    ['FPS', 'single ampersand', '{ $.a = 1 & $.b = 2 }', 10, "'&' on its own is not an operator", "write '&&'"],
    ['FPS', 'string with a relational operator', '{ $.a > "x" }', 8, "'>' compares numbers only", "use '=' or '!='"],
    ['JSON', 'IS NOT', '{ $.a IS NOT NULL }', 9, "'IS NOT' is not supported", '= *'],
    ['JSON', 'EXISTS', '{ $.a EXISTS }', 6, "'EXISTS' is not supported", '= *'],
    ['JSON', 'lower-case keyword', '{ $.a is null }', 6, 'keywords are upper case', 'write IS'],
    ['JSON', 'two wildcards in one selector', '{ $.*[*] = 1 }', 2, 'only one wildcard', 'keep one wildcard'],
    [
      'JSON',
      'four wildcard selectors',
      '{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }',
      44,
      'more than 3 wildcard selectors',
      'at most 3',
    ],
    ['REGEX', 'parentheses in a regex', '{ $.a = %(ab)+% }', 9, 'parentheses are not supported', '\\x28'],
    ['REGEX', 'forbidden regex character', '%something!%', 10, "'!' is not allowed", 'use only'],
    ['REGEX', 'three regexes', '{ $.a = %x% || $.b = %y% || $.c = %z% }', 34, 'more than 2 regular expressions', 'at most 2'],
    ['REGEX', 'unclosed regex', '{ $.a = %abc }', 8, 'never closed', 'second %'],
    ['JSON', 'unquoted value with @', '{ $.user = alice@example.com }', 16, "'@' cannot appear in an unquoted value", 'double quotes'],
    ['JSON', 'empty JSON pattern', '{ }', 2, 'the JSON pattern is empty', 'at least one condition'],
    ['FPS', 'text after the closing brace', '{ $.a = 1 } extra', 12, 'text after the closing }', 'inside the braces'],
    ['FPS', 'unterminated string', '{ $.a = "abc }', 8, 'never closed', 'closing double quote'],
    ['JSON', 'missing value', '{ $.a = }', 8, 'expected a value', 'write a value'],
    ['TERMS', 'sign without a term', 'ERROR ? WARN', 7, 'a term is missing', 'without a space'],
    ['TERMS', 'a JSON condition without braces', '$.errorCode = "AccessDenied*"', 0, 'JSON conditions go inside { }', 'wrap JSON conditions in { }, as in { $.errorCode = "AccessDenied*" }'],
    ['TERMS', 'a JSON condition without braces, after a space', '  ($.errorCode = AccessDenied*)', 3, 'JSON conditions go inside { }', 'wrap JSON conditions in { }'],
    ['TERMS', '|| between terms', 'ERROR || WARN', 6, "'||' joins conditions only inside a JSON pattern", 'write ?term for each'],
    ['TERMS', '&& between terms', 'ERROR && WARN', 6, "'&&' joins conditions only inside a JSON pattern", 'wrap JSON conditions in { }'],
    ['TERMS', 'parentheses as a term (FPS: only alphanumerics and _ unquoted)', ')))', 0, "')' cannot appear in an unquoted term", 'in double quotes, as in ")))"'],
    ['TERMS', 'braces after words', 'hello world {{{', 12, "'{' cannot appear in an unquoted term", 'a JSON pattern starts with {'],
    ['TERMS', 'a hyphen inside a term', 'ERROR-CODE', 5, "'-' cannot appear in an unquoted term", 'as in "ERROR-CODE"'],
    ['JSON', 'index right after $.', '{ $.[0] = 1 }', 4, 'an array index must follow a field name', 'as in $.users[0]'],
    ['JSON', 'index beyond 2^53', '{ $.a[12345678901234567890] = 1 }', 6, 'this array index is too large', 'below 2^53'],
  ])('%s: %s', (_page, _what, input, position, message, fix) => {
    const parsed = parseFilterPattern(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toContain(message);
    expect(parsed.error.fix).toContain(fix);
    expect(parsed.error.position).toBe(position);
  });

  it('rejects a pattern over 1024 characters (API)', () => {
    const parsed = parseFilterPattern(`{ $.a = "${'x'.repeat(1020)}" }`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toContain('over CloudWatch Logs\' limit of 1024');
  });

  it('formats an error with a 1-based character number', () => {
    const parsed = parseFilterPattern("{ $.a = 'x' }");
    expect(parsed.ok ? '' : formatPatternError(parsed.error)).toBe(
      'at character 9: single quotes are not string delimiters in filter patterns; use double quotes',
    );
  });
});
