/**
 * Every counterexample the judge prints must read like a record CloudTrail writes (issue 10): the service of its
 * eventName, that service's own error codes, a userIdentity that agrees with its type, realistic values. The
 * rules below are written from CloudTrail's documentation ("CloudTrail record contents", "CloudTrail userIdentity
 * element") independently of rule/pattern/cloudtrail.ts, and checked on every record the judge gives for the
 * judge's corpus, the bundled sample filters and the hostile families, with the successful-call check on and off.
 */
import examples from '../../examples/metric-filters.json';
import { UNAUTHORIZED_CALL_DEFINITION } from '../../rule/pattern/cis';
import { matchesLogEvent, type JsonObject, type JsonValue } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { ACCEPTED, ADVERSARIAL_FAMILIES, REALISM_CASES, REJECTED } from '../fixtures/judge-cases';

/** A few event names and the service that logs them. */
const SOURCE_OF: Record<string, string> = {
  ConsoleLogin: 'signin.amazonaws.com',
  RunInstances: 'ec2.amazonaws.com',
  DescribeInstances: 'ec2.amazonaws.com',
  AuthorizeSecurityGroupIngress: 'ec2.amazonaws.com',
  HeadBucket: 's3.amazonaws.com',
  GetBucketAcl: 's3.amazonaws.com',
  GetObject: 's3.amazonaws.com',
  PutBucketPolicy: 's3.amazonaws.com',
  CreateUser: 'iam.amazonaws.com',
  AttachRolePolicy: 'iam.amazonaws.com',
  AssumeRole: 'sts.amazonaws.com',
  GetSecretValue: 'secretsmanager.amazonaws.com',
  Decrypt: 'kms.amazonaws.com',
  StopLogging: 'cloudtrail.amazonaws.com',
};

/** How each service spells an error: EC2 Client.*, S3 and the Query services plain codes, JSON services *Exception. */
const ERROR_CODE_OF: Record<string, RegExp> = {
  'ec2.amazonaws.com': /^Client\.[A-Za-z]+$/,
  's3.amazonaws.com': /^(AccessDenied|NoSuch[A-Za-z]+|SlowDown)$/,
  'iam.amazonaws.com': /^(AccessDenied|Throttling|[A-Za-z]+Exception)$/,
  'sts.amazonaws.com': /^(AccessDenied|[A-Za-z]+Exception)$/,
  'secretsmanager.amazonaws.com': /^[A-Za-z]+Exception$/,
  'kms.amazonaws.com': /^[A-Za-z]+Exception$/,
  'signin.amazonaws.com': /^$/, // a failed ConsoleLogin has an errorMessage and no errorCode
};

const ACCOUNT = /^\d{12}$/;
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field for a problem message or a comparison: a string as it is, any other value as JSON. */
const text = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'nothing'));

function strings(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.values(value).flatMap(strings);
  return [];
}

/** What makes this record unlike one CloudTrail writes; empty when it reads like a real one. */
function realisticRecord(record: JsonObject): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, problem: string): void => void (ok || problems.push(problem));
  for (const field of ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'eventID', 'recipientAccountId']) {
    expect(typeof record[field] === 'string', `${field} is not a string`);
  }
  const { eventSource, eventName, errorCode, errorMessage, sourceIPAddress } = record as Record<string, JsonValue | undefined>;
  expect(typeof eventName === 'string' && /^[A-Z][A-Za-z0-9]+$/.test(eventName), `eventName ${text(eventName)} is not an API name`);
  const source = typeof eventName === 'string' ? SOURCE_OF[eventName] : undefined;
  if (source !== undefined) expect(eventSource === source, `${text(eventName)} is logged by ${source}, not ${text(eventSource)}`);
  const codes = typeof eventSource === 'string' ? ERROR_CODE_OF[eventSource] : undefined;
  if (typeof errorCode === 'string' && codes !== undefined) expect(codes.test(errorCode), `${text(eventSource)} does not answer ${errorCode}`);
  expect((typeof errorCode === 'string') === (typeof errorMessage === 'string') || eventName === 'ConsoleLogin', 'errorMessage without errorCode, or the reverse');
  expect(
    typeof sourceIPAddress === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(sourceIPAddress) || /^[a-z0-9.-]+\.amazonaws\.com$/.test(sourceIPAddress) || sourceIPAddress === 'AWS Internal'),
    `sourceIPAddress ${text(sourceIPAddress)} is neither an IP address nor an AWS service`,
  );

  const identity = record.userIdentity;
  if (!isObject(identity)) problems.push('userIdentity is not an object');
  else {
    const { type, principalId, arn, accountId, userName, invokedBy, sessionContext } = identity;
    const account = text(accountId);
    switch (type) {
      case 'IAMUser':
        expect(typeof principalId === 'string' && /^AIDA[A-Z0-9]+$/.test(principalId), `IAMUser principalId ${text(principalId)}`);
        expect(ACCOUNT.test(account) && arn === `arn:aws:iam::${account}:user/${text(userName)}`, `IAMUser arn ${text(arn)} does not name user ${text(userName)}`);
        break;
      case 'AssumedRole':
        expect(typeof principalId === 'string' && /^AROA[A-Z0-9]+:.+$/.test(principalId), `AssumedRole principalId ${text(principalId)}`);
        expect(typeof arn === 'string' && arn.startsWith(`arn:aws:sts::${account}:assumed-role/`), `AssumedRole arn ${text(arn)}`);
        expect(isObject(sessionContext) && isObject(sessionContext.sessionIssuer), 'AssumedRole without sessionContext.sessionIssuer');
        break;
      case 'Root':
        expect(ACCOUNT.test(account) && principalId === account && arn === `arn:aws:iam::${account}:root`, `Root principalId ${text(principalId)}, arn ${text(arn)}`);
        break;
      case 'AWSService':
        expect(typeof invokedBy === 'string' && accountId === undefined && principalId === undefined, 'AWSService with an account, or without invokedBy');
        expect(sourceIPAddress === invokedBy, `AWSService ${text(invokedBy)} calling from ${text(sourceIPAddress)}`);
        break;
      default:
        problems.push(`userIdentity.type ${text(type)}`);
    }
  }
  const mfa = isObject(record.additionalEventData) ? record.additionalEventData.MFAUsed : undefined;
  expect(mfa === undefined || mfa === 'Yes' || mfa === 'No', `MFAUsed ${text(mfa)}`);
  const bucket = isObject(record.requestParameters) ? record.requestParameters.bucketName : undefined;
  expect(bucket === undefined || (typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)), `bucketName ${text(bucket)}`);
  expect(!strings(record).some((s) => s.includes('zq-unmatched')), 'an invented filler value');
  return problems;
}

const floor = (() => {
  const parsed = parseFilterPattern(UNAUTHORIZED_CALL_DEFINITION);
  if (!parsed.ok) throw new Error('definition does not parse');
  return parsed.pattern;
})();

const CORPUS: [string, string][] = [
  ...[...ACCEPTED, ...REJECTED, ...REALISM_CASES].map((c) => [c.name, c.pattern] as [string, string]),
  ...(examples as { name: string; pattern: string }[]).map((e) => [`sample filter: ${e.name}`, e.pattern] as [string, string]),
  ...Object.entries(ADVERSARIAL_FAMILIES).flatMap(([family, patterns]) => patterns.map((p, i) => [`${family} #${i + 1}`, p] as [string, string])),
];

describe('patterns whose counterexamples need more than the sample records', () => {
  it.each(REALISM_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const verdict = judgePattern(c.pattern);
    expect(verdict.accepted).toBe(false);
    expect(verdict.reason).toMatch(c.reason!);
    if (c.errorCode !== undefined) expect(verdict.counterexample?.errorCode).toBe(c.errorCode);
  });
});

describe('counterexamples read like real CloudTrail records', () => {
  it.each(CORPUS.flatMap(([name, pattern]) => [true, false].map((ceiling) => [`${name}${ceiling ? '' : ' (successful-call check off)'}`, pattern, ceiling] as const)))(
    '%s',
    (_name, pattern, ceiling) => {
      const verdict = judgePattern(pattern, { ceiling });
      if (verdict.counterexample === null) return;
      expect(realisticRecord(verdict.counterexample)).toEqual([]);
      // And it still shows what the verdict says.
      const parsed = parseFilterPattern(pattern);
      if (!parsed.ok) throw new Error('a counterexample for an invalid pattern');
      const matches = matchesLogEvent(parsed.pattern, verdict.counterexample);
      if (verdict.counterexampleShows === 'overmatched') expect([verdict.counterexample.errorCode, matches]).toEqual([undefined, true]);
      else expect([matchesLogEvent(floor, verdict.counterexample), matches]).toEqual([true, false]);
    },
  );
});
