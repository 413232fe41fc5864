/**
 * The evaluator's semantics beyond the documented examples: what AWS states in prose or was observed with
 * `aws logs test-metric-filter`, each case naming where it comes from.
 */
import { UnsupportedPatternError, matchesLogEvent, type LogEvent } from '../../rule/pattern/evaluate';
import { parseFilterPattern } from '../../rule/pattern/parser';

function matches(pattern: string, event: LogEvent): boolean {
  const parsed = parseFilterPattern(pattern);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return matchesLogEvent(parsed.pattern, event);
}

const record = {
  eventName: 'RunInstances',
  errorCode: 'Client.UnauthorizedOperation',
  sourceIPAddress: '203.0.113.12',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
  resources: [{ ARN: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1' }],
  latency: 250,
  latencyText: '250',
  readOnly: false,
  requestParameters: null,
};

describe('evaluator semantics', () => {
  it.each([
    // "Filter patterns are case sensitive" (FilterAndPatternSyntax.html)
    ['values are case-sensitive', '{ $.errorCode = "*unauthorizedoperation" }', false],
    ['field names are case-sensitive', '{ $.errorcode = "*UnauthorizedOperation" }', false],
    // != means "present and different" (DataBiosphere/azul #5884, consistent with the array rule)
    ['!= on a missing field does not match', '{ $.errorMessage != "x" }', false],
    ['!= on a present, different value matches', '{ $.eventName != "HeadBucket" }', true],
    ['!= on the same value does not match', '{ $.eventName != "RunInstances" }', false],
    // "both {$.users = 1} and {$.users != 1} will fail" when users is an array (FilterAndPatternSyntax.md, 2021)
    ['= on an array does not match', '{ $.resources = "x" }', false],
    ['!= on an array does not match', '{ $.resources != "x" }', false],
    ['= on an object does not match', '{ $.userIdentity = * }', false],
    ['!= on an object does not match', '{ $.userIdentity != "x" }', false],
    ['= * on a boolean does not match (not a value node)', '{ $.readOnly = * }', false],
    ['= * on null does not match', '{ $.requestParameters = * }', false],
    ['= * matches a present string', '{ $.eventName = * }', true],
    ['= * matches a number', '{ $.latency = * }', true],
    // "Ev*ent will only match the actual string Ev*ent" (FilterAndPatternSyntax.md)
    ['a * in the middle is literal', '{ $.eventName = "Run*Instances" }', false],
    ['leading and trailing * is a contains match', '{ $.errorCode = "*Unauthorized*" }', true],
    ['quoted and unquoted values are the same', '{ $.errorCode = *UnauthorizedOperation }', true],
    // numbers (FilterAndPatternSyntax.md, "Numeric Comparisons")
    ['numeric comparison on a number', '{ $.latency > 200 }', true],
    ['numeric comparison on a numeric string', '{ $.latencyText >= 250 }', true],
    ['exponent compares by value', '{ $.latency = 2.5e2 }', true],
    ['numeric operator on a non-numeric string does not match', '{ $.eventName > 1 }', false],
    ['numeric != on a non-numeric string does not match', '{ $.eventName != 1 }', false],
    ['numeric operator on a missing field does not match', '{ $.missing < 1 }', false],
    // keywords (matching-terms-json-log-events.html)
    ['IS FALSE on false', '{ $.readOnly IS FALSE }', true],
    ['IS TRUE on false', '{ $.readOnly IS TRUE }', false],
    ['IS NULL on null', '{ $.requestParameters IS NULL }', true],
    ['IS NULL on a missing field', '{ $.missing IS NULL }', false],
    ['NOT EXISTS on null (present)', '{ $.requestParameters NOT EXISTS }', false],
    ['NOT EXISTS on a missing field', '{ $.errorMessage NOT EXISTS }', true],
    // wildcard selectors match when any reached value does (matching-terms-json-log-events.html)
    ['$.* reaches top-level values', '{ $.* = "203.0.113.*" }', true],
    ['[*] reaches array elements', '{ $.resources[*].ARN = "*instance/i-1" }', true],
    ['regex is unanchored', '{ $.errorCode = %Unauthorized% }', true],
    ['regex honours ^', '{ $.errorCode = %^Unauthorized% }', false],
    // precedence () > && > || (FilterAndPatternSyntax.html)
    ['A || B && C reads A || (B && C)', '{ $.eventName = "RunInstances" || $.eventName = "x" && $.eventName = "y" }', true],
    ['(A || B) && C', '{ ($.eventName = "RunInstances" || $.eventName = "x") && $.eventName = "y" }', false],
  ])('%s', (_what, pattern, expected) => {
    expect(matches(pattern, record)).toBe(expected);
  });

  it('reads a raw message that is a JSON object as a JSON log event', () => {
    expect(matches('{ $.eventName = "RunInstances" }', JSON.stringify(record))).toBe(true);
    expect(matches('{ $.eventName = "RunInstances" }', `  ${JSON.stringify(record)}\n`)).toBe(true);
  });

  it('does not match a JSON pattern against a message that is not a JSON object', () => {
    expect(matches('{ $.eventName = "RunInstances" }', 'eventName RunInstances')).toBe(false);
    expect(matches('{ $.eventName = * }', '["eventName"]')).toBe(false);
    expect(matches('{ $.eventName = * }', '{"eventName": ')).toBe(false);
  });

  it('matches term patterns against the raw text of an event', () => {
    expect(matches('UnauthorizedOperation', record)).toBe(true);
    expect(matches('UnauthorizedOperation -RunInstances', record)).toBe(false);
    expect(matches('?Nothing ?alice', record)).toBe(true);
  });

  it('refuses to guess the outcome of a space-delimited pattern', () => {
    expect(() => matches('[ip, user, status = 4*]', '1.2.3.4 bob 404')).toThrow(UnsupportedPatternError);
  });
});
