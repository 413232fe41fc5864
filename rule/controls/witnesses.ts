/**
 * Witness records: per control, CloudTrail records an equivalent filter must match and records it must not match.
 * The remediation document (remediation/*.yaml) keeps an existing metric filter only when AWS's own engine
 * (logs:TestMetricFilter) shows it matching every must-match record and no must-not-match record, so these records
 * are the remediation's notion of "equivalent filter". They are data, embedded in the document by
 * `node --import tsx remediation/embed-controls.ts`, and test/remediation checks that the embedded copy is this one.
 *
 * The records are written by hand to read like real CloudTrail records (FAMILY.md §3.1, §3.3: every identity type,
 * calls made through CloudFormation, sign-ins with and without MFA, read-only and data-plane calls of each service);
 * which of them a control must or must not match is not written by hand but decided by the control's own policy
 * (its floor and ceiling, evaluated with the project's pattern engine), so the witnesses cannot contradict the judge.
 */
import { conditionsOf, type Expression } from '../pattern/ast';
import { evaluateExpression, type JsonObject } from '../pattern/evaluate';
import { parseFilterPattern } from '../pattern/parser';
import { floorOf } from './catalogue';
import { NEWEST_CIS_VERSION, type CisVersion, type Control } from './control';

const ACCOUNT = '111122223333';

/** Fields every witness record has, as CloudTrail writes them for a management event. */
export const WITNESS_BASE: JsonObject = {
  eventVersion: '1.10',
  eventTime: '2026-11-27T09:15:02Z',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.12',
  userAgent: 'aws-cli/2.22.4',
  eventType: 'AwsApiCall',
  readOnly: false,
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Management',
};

/**
 * Who made the call: the userIdentity and what goes with it (a call CloudFormation makes comes from
 * cloudformation.amazonaws.com). The short identities are the 4.1 witnesses' own; the others follow the
 * "CloudTrail userIdentity element" page: an IAM user has a userName, an assumed role and root have none.
 */
export const WITNESS_IDENTITIES: Record<string, JsonObject> = {
  IAMUser: { userIdentity: { type: 'IAMUser', accountId: ACCOUNT } },
  AssumedRole: { userIdentity: { type: 'AssumedRole', accountId: ACCOUNT } },
  AWSService: { userIdentity: { type: 'AWSService', accountId: ACCOUNT } },
  Root: { userIdentity: { type: 'Root', accountId: ACCOUNT } },
  alice: {
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
  },
  breakglass: {
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEBREAKGLASS',
      arn: `arn:aws:iam::${ACCOUNT}:user/breakglass`,
      accountId: ACCOUNT,
      userName: 'breakglass',
    },
  },
  deployer: {
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROACKCEVSQ6C2EXAMPLE:AWSCloudFormation',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/AWSCloudFormation`,
      accountId: ACCOUNT,
      invokedBy: 'cloudformation.amazonaws.com',
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, userName: 'Deployer' } },
    },
    sourceIPAddress: 'cloudformation.amazonaws.com',
    userAgent: 'cloudformation.amazonaws.com',
  },
  sso: {
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROACKCEVSQ6C2EXAMPLE:bob@example.com',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/bob@example.com`,
      accountId: ACCOUNT,
    },
  },
  root: { userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT } },
  service: { userIdentity: { type: 'AWSService', invokedBy: 'kms.amazonaws.com' }, sourceIPAddress: 'kms.amazonaws.com', userAgent: 'kms.amazonaws.com' },
};

/** One witness, compactly: identity (a key of WITNESS_IDENTITIES), eventSource, eventName, other fields. */
export type CompactWitness = [identity: string, eventSource: string, eventName: string, extra: JsonObject];

const denied = (code: string, message: string): JsonObject => ({ errorCode: code, errorMessage: message });
const readOnly: JsonObject = { readOnly: true };
const signIn = (result: 'Success' | 'Failure', mfa: string, failure?: string): JsonObject => ({
  eventType: 'AwsConsoleSignIn',
  ...(failure !== undefined ? { errorMessage: failure } : {}),
  responseElements: { ConsoleLogin: result },
  additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa },
});
const dataEvent = (ro: boolean): JsonObject => ({ readOnly: ro, managementEvent: false, eventCategory: 'Data' });

/**
 * The records every control is tried on, besides one per name of its floor (below). The first thirteen are the
 * 4.1 witnesses the remediation has always used, in their order.
 */
const SENTINELS: CompactWitness[] = [
  ['IAMUser', 'ec2.amazonaws.com', 'RunInstances', denied('Client.UnauthorizedOperation', 'You are not authorized to perform this operation.')],
  ['IAMUser', 'secretsmanager.amazonaws.com', 'GetSecretValue', denied('AccessDeniedException', 'not authorized to perform: secretsmanager:GetSecretValue')],
  ['IAMUser', 'iam.amazonaws.com', 'CreateUser', denied('AccessDenied', 'not authorized to perform: iam:CreateUser')],
  ['IAMUser', 'ec2.amazonaws.com', 'CreateVpc', denied('UnauthorizedOperation', 'You are not authorized to perform this operation.')],
  ['AssumedRole', 's3.amazonaws.com', 'PutBucketPolicy', denied('AccessDenied', 'Access Denied')],
  ['AWSService', 'kms.amazonaws.com', 'Decrypt', { ...denied('AccessDeniedException', 'not authorized to perform: kms:Decrypt'), sourceIPAddress: 'lambda.amazonaws.com' }],
  ['IAMUser', 'ec2.amazonaws.com', 'DescribeInstances', {}],
  ['IAMUser', 'signin.amazonaws.com', 'ConsoleLogin', { eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } }],
  ['AssumedRole', 'sts.amazonaws.com', 'AssumeRole', {}],
  ['IAMUser', 'iam.amazonaws.com', 'CreatePolicy', { requestParameters: { policyName: 'AccessDeniedUnauthorizedOperationAlerts' } }],
  ['IAMUser', 's3.amazonaws.com', 'HeadBucket', { requestParameters: { bucketName: 'prod-logs' } }],
  ['AWSService', 's3.amazonaws.com', 'GetBucketAcl', { sourceIPAddress: 'delivery.logs.amazonaws.com' }],
  ['Root', 'ec2.amazonaws.com', 'DescribeInstances', {}],
  // Sign-ins (CloudTrail user guide, "AWS Management Console sign-in events": a failure has errorMessage
  // "Failed authentication" and no errorCode; root and IAM users alike).
  ['alice', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Success', 'Yes')],
  ['alice', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Success', 'No')],
  // A fixed set of records cannot hold every user a filter might exclude; this one holds the user teams exclude most.
  ['breakglass', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Success', 'No')],
  ['alice', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Failure', 'No', 'Failed authentication')],
  ['root', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Failure', 'No', 'Failed authentication')],
  ['root', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Success', 'Yes')],
  ['sso', 'signin.amazonaws.com', 'ConsoleLogin', signIn('Success', 'No')],
  // Root usage of any kind: reading, writing, through the console.
  ['root', 'ec2.amazonaws.com', 'DescribeInstances', readOnly],
  ['root', 'iam.amazonaws.com', 'CreateAccessKey', {}],
  ['root', 's3.amazonaws.com', 'ListBuckets', { ...readOnly, eventType: 'AwsConsoleAction' }],
  // Normal activity no control may alarm on: read-only and data-plane calls of each service, unrelated writes,
  // sts, and a service event.
  ['alice', 'ec2.amazonaws.com', 'DescribeInstances', readOnly],
  ['alice', 'ec2.amazonaws.com', 'RunInstances', {}],
  ['deployer', 'ec2.amazonaws.com', 'DescribeSecurityGroups', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeSecurityGroupRules', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeNetworkAcls', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeInternetGateways', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeCustomerGateways', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeRouteTables', readOnly],
  ['alice', 'ec2.amazonaws.com', 'DescribeVpcs', readOnly],
  ['alice', 'iam.amazonaws.com', 'GetUser', readOnly],
  ['alice', 'iam.amazonaws.com', 'GetPolicy', readOnly],
  ['deployer', 'iam.amazonaws.com', 'GetPolicyVersion', readOnly],
  ['alice', 'iam.amazonaws.com', 'ListPolicies', readOnly],
  ['alice', 'iam.amazonaws.com', 'ListAttachedRolePolicies', readOnly],
  ['alice', 's3.amazonaws.com', 'ListBuckets', readOnly],
  ['alice', 's3.amazonaws.com', 'GetBucketPolicy', readOnly],
  ['deployer', 's3.amazonaws.com', 'GetBucketAcl', readOnly],
  ['alice', 's3.amazonaws.com', 'GetObject', dataEvent(true)],
  ['alice', 's3.amazonaws.com', 'PutObject', dataEvent(false)],
  ['AssumedRole', 'kms.amazonaws.com', 'Decrypt', readOnly],
  ['AssumedRole', 'kms.amazonaws.com', 'Encrypt', readOnly],
  ['AssumedRole', 'kms.amazonaws.com', 'GenerateDataKey', readOnly],
  ['alice', 'kms.amazonaws.com', 'DescribeKey', readOnly],
  ['alice', 'kms.amazonaws.com', 'ListKeys', readOnly],
  ['alice', 'kms.amazonaws.com', 'ListAliases', readOnly],
  ['service', 'kms.amazonaws.com', 'RotateKey', { eventType: 'AwsServiceEvent' }],
  ['alice', 'organizations.amazonaws.com', 'DescribeOrganization', readOnly],
  ['alice', 'organizations.amazonaws.com', 'DescribeAccount', readOnly],
  ['alice', 'organizations.amazonaws.com', 'ListAccounts', readOnly],
  ['alice', 'organizations.amazonaws.com', 'ListPolicies', readOnly],
  ['alice', 'config.amazonaws.com', 'DescribeConfigurationRecorders', readOnly],
  ['AssumedRole', 'config.amazonaws.com', 'PutEvaluations', {}],
  ['alice', 'cloudtrail.amazonaws.com', 'LookupEvents', readOnly],
  ['alice', 'cloudtrail.amazonaws.com', 'DescribeTrails', readOnly],
  ['alice', 'cloudtrail.amazonaws.com', 'GetTrailStatus', readOnly],
  ['alice', 'cloudtrail.amazonaws.com', 'GetEventSelectors', readOnly],
  ['alice', 'sts.amazonaws.com', 'GetCallerIdentity', readOnly],
];

/** The record a compact witness stands for; `number` makes its eventID unique. The document's _record mirrors it. */
export function witnessRecord([identity, eventSource, eventName, extra]: CompactWitness, number: number): JsonObject {
  const who = WITNESS_IDENTITIES[identity];
  if (who === undefined) throw new Error(`unknown witness identity ${identity}`);
  return {
    ...WITNESS_BASE,
    ...who,
    eventSource,
    eventName,
    eventID: `5f0e4c3b-9a1d-4b7c-8e6f-4a1${String(number).padStart(9, '0')}`,
    ...extra,
  };
}

function parsedExpression(text: string): Expression {
  const result = parseFilterPattern(text);
  if (!result.ok || result.pattern.kind !== 'json') throw new Error(`policy pattern is not a JSON filter pattern: ${text}`);
  return result.pattern.expression;
}

/** eventName values a pattern names exactly (no wildcard), in the pattern's order. */
function namesIn(expression: Expression): string[] {
  const names = conditionsOf(expression).flatMap((c) =>
    c.kind === 'compare' && c.operator === '=' && c.value.kind === 'string' && !/^\*|\*$/.test(c.value.text) &&
    c.selector.segments.length === 1 && c.selector.segments[0]?.kind === 'key' && c.selector.segments[0].name === 'eventName'
      ? [c.value.text]
      : [],
  );
  return [...new Set(names)];
}

/**
 * Every compact witness of the given controls: the sentinels, then, for each floor name no sentinel already calls,
 * a successful call of it from the control's service, alternately by an IAM user and by CloudFormation through an
 * assumed role (no userName, invokedBy present: FAMILY.md §3.2 rule 4).
 */
export function witnessPool(controls: readonly Control[], version: CisVersion = NEWEST_CIS_VERSION): CompactWitness[] {
  const pool = [...SENTINELS];
  for (const control of controls) {
    const source = control.eventSources[0];
    if (source === undefined) continue;
    namesIn(parsedExpression(floorOf(control, version))).forEach((name, i) => {
      // A successful sentinel of the same call stands for it (a sign-in); a failed one does not.
      if (pool.some(([, s, n, extra]) => s === source && n === name && extra.errorCode === undefined)) return;
      pool.push([i % 2 === 0 ? 'alice' : 'deployer', source, name, {}]);
    });
  }
  return pool;
}

export interface Witnesses {
  mustMatch: JsonObject[];
  mustNotMatch: JsonObject[];
}

/**
 * 'm' for each pool record the control's floor holds (must match), 'n' for each its ceiling holds (must not match),
 * '.' for the others (its policy lets a filter match them or not).
 */
export function witnessMarks(control: Control, pool: CompactWitness[], version: CisVersion = NEWEST_CIS_VERSION): string {
  const floor = parsedExpression(floorOf(control, version));
  const ceiling = parsedExpression(control.policy.ceiling);
  return pool
    .map((w, i) => {
      const record = witnessRecord(w, i + 1);
      if (evaluateExpression(floor, record)) return 'm';
      return evaluateExpression(ceiling, record) ? 'n' : '.';
    })
    .join('');
}

/** The records the remediation tries a filter on for one control. */
export function witnessesOf(control: Control, pool: CompactWitness[], version: CisVersion = NEWEST_CIS_VERSION): Witnesses {
  const marks = witnessMarks(control, pool, version);
  const records = pool.map((w, i) => witnessRecord(w, i + 1));
  return {
    mustMatch: records.filter((_, i) => marks[i] === 'm'),
    mustNotMatch: records.filter((_, i) => marks[i] === 'n'),
  };
}
