/**
 * Soundness of the judge against brute force: for random patterns over the fields the CIS definition uses, an
 * accepted pattern must match every unauthorized call and no successful call among many random realistic records,
 * and a rejection's counterexample must really show what the reason says.
 */
import fc from 'fast-check';
import { UNAUTHORIZED_CALL_DEFINITION } from '../../rule/pattern/cis';
import { SAMPLE_RECORDS } from '../../rule/pattern/cloudtrail';
import { matchesLogEvent, type JsonObject } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';

const ATOMS: Record<string, string[]> = {
  errorCode: ['"*UnauthorizedOperation"', '"AccessDenied*"', '"Client.UnauthorizedOperation"', '"AccessDenied"', '"*Denied*"', '"Access*"', '"*Exception"', '*', '%^Access%', '%Operation$%'],
  sourceIPAddress: ['"delivery.logs.amazonaws.com"', '"*.amazonaws.com"', '"203.0.113.*"'],
  eventName: ['"HeadBucket"', '"Describe*"', '"*Bucket"'],
};

const condition = fc.constantFrom(...Object.keys(ATOMS)).chain((field) =>
  fc.oneof(
    fc.tuple(fc.constantFrom('=', '!='), fc.constantFrom(...ATOMS[field]!)).map(([op, v]) => `$.${field} ${op} ${v}`),
    fc.constant(`$.${field} NOT EXISTS`),
  ),
);

const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.tuple(tie('expression'), fc.constantFrom('&&', '||'), tie('expression')).map(([a, op, b]) => `(${a} ${op} ${b})`),
  ),
}));

/** Patterns that meet the floor, to combine with random ones: many near misses and many accepted patterns. */
const GOOD_CORES = [
  '($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*")',
  '($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket")',
  '(($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket")',
  '($.errorCode = %UnauthorizedOperation$% || $.errorCode = %^AccessDenied%)',
  '($.errorCode = *)',
];

const pattern = fc.oneof(
  expression,
  fc.constantFrom(...GOOD_CORES),
  fc.tuple(fc.constantFrom(...GOOD_CORES), fc.constantFrom('&&', '||'), expression).map(([core, op, extra]) => `${core} ${op} ${extra}`),
  fc.tuple(fc.constantFrom(...GOOD_CORES), expression, expression).map(([core, a, b]) => `${core} && (${a} || ${b})`),
);

const VALUES = {
  errorCode: [
    undefined,
    'Client.UnauthorizedOperation',
    'UnauthorizedOperation',
    'AccessDenied',
    'AccessDeniedException',
    'AccessDeniedUnauthorizedOperation',
    'ThrottlingException',
    'Client.RequestLimitExceeded',
    'NoSuchBucket',
    'DeniedAccess',
  ],
  sourceIPAddress: ['203.0.113.12', 'delivery.logs.amazonaws.com', 'cloudtrail.amazonaws.com', '198.51.100.7'],
  eventName: ['RunInstances', 'HeadBucket', 'DescribeInstances', 'GetBucketAcl', 'ConsoleLogin'],
};

/** Every combination of the value pools: a brute-force set of realistic records. */
const RECORDS: JsonObject[] = VALUES.errorCode.flatMap((errorCode) =>
  VALUES.sourceIPAddress.flatMap((sourceIPAddress) =>
    VALUES.eventName.map((eventName) => {
      const record: JsonObject = { ...structuredClone(SAMPLE_RECORDS[0]!), sourceIPAddress, eventName };
      if (errorCode === undefined) delete record.errorCode;
      else record.errorCode = errorCode;
      return record;
    }),
  ),
);

const floor = (() => {
  const parsed = parseFilterPattern(UNAUTHORIZED_CALL_DEFINITION);
  if (!parsed.ok) throw new Error('definition does not parse');
  return parsed.pattern;
})();

describe('judge soundness against brute force', () => {
  it('an accepted pattern misses no unauthorized call and matches no successful call; counterexamples hold', () => {
    fc.assert(
      fc.property(pattern, (body) => {
        const text = `{ ${body} }`;
        const parsed = parseFilterPattern(text);
        if (!parsed.ok) return;
        const verdict = judgePattern(text);
        const matches = (r: JsonObject): boolean => matchesLogEvent(parsed.pattern, r);
        if (verdict.accepted) {
          expect(RECORDS.filter((r) => matchesLogEvent(floor, r) && !matches(r))).toEqual([]);
          expect(RECORDS.filter((r) => r.errorCode === undefined && matches(r))).toEqual([]);
        } else if (verdict.counterexample) {
          const r = verdict.counterexample;
          if (verdict.counterexampleShows === 'overmatched') expect([r.errorCode, matches(r)]).toEqual([undefined, true]);
          else expect([matchesLogEvent(floor, r), matches(r)]).toEqual([true, false]);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('exercises both sides: the generator yields accepted and rejected patterns', () => {
    const verdicts = fc.sample(pattern, { numRuns: 300, seed: 7 }).map((body) => judgePattern(`{ ${body} }`).accepted);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(30);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(30);
  });
});
