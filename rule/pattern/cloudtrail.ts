/**
 * What CloudTrail records look like, for the judge: which fields every record has and of which type, and a
 * small catalogue of realistic records from which counterexamples are built.
 */
import type { JsonObject } from './evaluate';

export type FieldType = 'string' | 'boolean' | 'object' | 'objectOrNull' | 'array';

/** Objects whose keys are all listed in CLOUDTRAIL_FIELDS. */
export const CLOSED_OBJECTS = ['', 'userIdentity'];

/**
 * A table looked up by field paths, event sources and identity types taken from filter patterns and records, which
 * anyone with logs:PutMetricFilter writes: without a prototype, `constructor`, `valueOf` or `__proto__` find nothing
 * instead of an Object.prototype member (which crashed the judge).
 */
function table<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

export interface FieldShape {
  type: FieldType;
  /** Present in every CloudTrail record. */
  always: boolean;
}

/**
 * Fields of a CloudTrail record ("CloudTrail record contents for management, data, and network activity
 * events"), by dotted path. The top level and userIdentity are closed: a name not listed there never occurs
 * (which is why $.errorcode never matches). Below the object fields (requestParameters, responseElements, ...)
 * anything may occur.
 */
export const CLOUDTRAIL_FIELDS: Record<string, FieldShape> = table({
  eventVersion: { type: 'string', always: true },
  userIdentity: { type: 'object', always: true },
  'userIdentity.type': { type: 'string', always: true },
  'userIdentity.principalId': { type: 'string', always: false },
  'userIdentity.arn': { type: 'string', always: false },
  'userIdentity.accountId': { type: 'string', always: false },
  'userIdentity.accessKeyId': { type: 'string', always: false },
  'userIdentity.userName': { type: 'string', always: false },
  'userIdentity.invokedBy': { type: 'string', always: false },
  'userIdentity.sessionContext': { type: 'object', always: false },
  'userIdentity.identityProvider': { type: 'string', always: false },
  'userIdentity.credentialId': { type: 'string', always: false },
  'userIdentity.onBehalfOf': { type: 'object', always: false },
  'userIdentity.inScopeOf': { type: 'object', always: false },
  eventTime: { type: 'string', always: true },
  eventSource: { type: 'string', always: true },
  eventName: { type: 'string', always: true },
  awsRegion: { type: 'string', always: true },
  sourceIPAddress: { type: 'string', always: true },
  userAgent: { type: 'string', always: false },
  errorCode: { type: 'string', always: false },
  errorMessage: { type: 'string', always: false },
  requestParameters: { type: 'objectOrNull', always: false },
  responseElements: { type: 'objectOrNull', always: false },
  additionalEventData: { type: 'object', always: false },
  requestID: { type: 'string', always: false },
  eventID: { type: 'string', always: true },
  readOnly: { type: 'boolean', always: false },
  resources: { type: 'array', always: false },
  eventType: { type: 'string', always: true },
  apiVersion: { type: 'string', always: false },
  managementEvent: { type: 'boolean', always: false },
  recipientAccountId: { type: 'string', always: true },
  sharedEventID: { type: 'string', always: false },
  vpcEndpointId: { type: 'string', always: false },
  vpcEndpointAccountId: { type: 'string', always: false },
  serviceEventDetails: { type: 'object', always: false },
  addendum: { type: 'object', always: false },
  edgeDeviceDetails: { type: 'object', always: false },
  insightDetails: { type: 'object', always: false },
  eventCategory: { type: 'string', always: false },
  tlsDetails: { type: 'object', always: false },
  sessionCredentialFromConsole: { type: 'string', always: false },
});

const ACCOUNT = '111122223333';

function record(fields: {
  eventSource: string;
  eventName: string;
  sourceIPAddress?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  userIdentity?: JsonObject;
  eventID: string;
}): JsonObject {
  const user: JsonObject = fields.userIdentity ?? {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEPRINCIPAL',
    arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    userName: 'alice',
  };
  const out: JsonObject = {
    eventVersion: '1.10',
    userIdentity: user,
    eventTime: '2026-11-27T09:15:02Z',
    eventSource: fields.eventSource,
    eventName: fields.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: fields.sourceIPAddress ?? '203.0.113.12',
    userAgent: 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.6',
  };
  if (fields.errorCode !== undefined) out.errorCode = fields.errorCode;
  if (fields.errorMessage !== undefined) out.errorMessage = fields.errorMessage;
  Object.assign(out, {
    requestParameters: null,
    responseElements: null,
    requestID: `${fields.eventID.slice(0, 8)}-5f0e-4c3b-9a1d-2b7c8e6f4a10`,
    eventID: fields.eventID,
    readOnly: fields.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  });
  return out;
}

/**
 * Realistic records, most typical first. Counterexamples start from the first record that agrees with what
 * the judge needs, so they read like real CloudTrail entries.
 */
export const SAMPLE_RECORDS: JsonObject[] = [
  record({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    errorCode: 'Client.UnauthorizedOperation',
    errorMessage: 'You are not authorized to perform this operation.',
    readOnly: false,
    eventID: '0b7e6c1a-3d2f-4e5a-9b8c-7d6e5f4a3b21',
  }),
  record({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    readOnly: true,
    eventID: '1c8f7d2b-4e3a-4f6b-8c9d-8e7f6a5b4c32',
  }),
  record({
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    errorCode: 'AccessDeniedException',
    errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: secretsmanager:GetSecretValue because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    readOnly: true,
    eventID: '2d9a8e3c-5f4b-4a7c-9d0e-9f8a7b6c5d43',
  }),
  record({
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    readOnly: false,
    eventID: '3e0b9f4d-6a5c-4b8d-8e1f-0a9b8c7d6e54',
  }),
  record({
    eventSource: 's3.amazonaws.com',
    eventName: 'HeadBucket',
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
    readOnly: true,
    eventID: '4f1c0a5e-7b6d-4c9e-9f2a-1b0c9d8e7f65',
  }),
  record({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetBucketAcl',
    sourceIPAddress: 'delivery.logs.amazonaws.com',
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
    readOnly: true,
    userIdentity: { type: 'AWSService', invokedBy: 'delivery.logs.amazonaws.com' },
    eventID: '5a2d1b6f-8c7e-4d0f-8a3b-2c1d0e9f8a76',
  }),
  record({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    errorCode: 'Client.RequestLimitExceeded',
    errorMessage: 'Request limit exceeded.',
    readOnly: true,
    eventID: '6b3e2c7a-9d8f-4e1a-9b4c-3d2e1f0a9b87',
  }),
];

/**
 * How each service of the catalogue answers in CloudTrail: the error codes it writes (the denied one first) and
 * the errorMessage of a denial. EC2 writes `Client.`-prefixed codes; S3 and the Query-protocol services (IAM, STS)
 * write AccessDenied; JSON-protocol services write AccessDeniedException ("CloudTrail record contents", and the
 * examples of each service's "Logging ... API calls with AWS CloudTrail" page). A failed ConsoleLogin carries
 * errorMessage "Failed authentication" and no errorCode, so signin has no codes here.
 */
export interface ServiceErrors {
  errorCodes: string[];
  deniedMessage: (action: string, arn: string) => string;
}

const notAuthorized = (action: string, arn: string): string =>
  `User: ${arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;

export const SERVICE_ERRORS: Record<string, ServiceErrors> = table({
  'ec2.amazonaws.com': {
    errorCodes: ['Client.UnauthorizedOperation', 'Client.RequestLimitExceeded', 'Client.InvalidParameterValue', 'Client.DryRunOperation'],
    deniedMessage: () => 'You are not authorized to perform this operation.',
  },
  's3.amazonaws.com': { errorCodes: ['AccessDenied', 'NoSuchBucket', 'NoSuchKey', 'SlowDown'], deniedMessage: () => 'Access Denied' },
  'iam.amazonaws.com': { errorCodes: ['AccessDenied', 'NoSuchEntityException', 'EntityAlreadyExistsException', 'Throttling'], deniedMessage: notAuthorized },
  'sts.amazonaws.com': { errorCodes: ['AccessDenied', 'ExpiredTokenException', 'RegionDisabledException'], deniedMessage: notAuthorized },
  'secretsmanager.amazonaws.com': { errorCodes: ['AccessDeniedException', 'ResourceNotFoundException', 'ThrottlingException'], deniedMessage: notAuthorized },
  'kms.amazonaws.com': { errorCodes: ['AccessDeniedException', 'NotFoundException', 'ThrottlingException'], deniedMessage: notAuthorized },
  'cloudtrail.amazonaws.com': { errorCodes: ['AccessDenied', 'TrailNotFoundException', 'ThrottlingException'], deniedMessage: notAuthorized },
  'logs.amazonaws.com': { errorCodes: ['AccessDenied', 'AccessDeniedException', 'ResourceNotFoundException', 'ThrottlingException'], deniedMessage: notAuthorized },
  'monitoring.amazonaws.com': { errorCodes: ['AccessDenied', 'Throttling'], deniedMessage: notAuthorized },
  'config.amazonaws.com': { errorCodes: ['AccessDeniedException', 'NoSuchConfigurationRecorderException'], deniedMessage: notAuthorized },
  'organizations.amazonaws.com': {
    errorCodes: ['AccessDeniedException', 'AWSOrganizationsNotInUseException', 'ConstraintViolationException', 'TooManyRequestsException'],
    deniedMessage: notAuthorized,
  },
  'signin.amazonaws.com': { errorCodes: [], deniedMessage: () => 'Failed authentication' },
});

/**
 * The service of each event name the catalogue knows, most typical first within a service; every name of every
 * control's list (rule/controls/catalogue.ts) and read-only calls of each service, so that counterexamples read
 * real. A name may belong to several services (organizations and iam both have CreatePolicy).
 */
export const EVENT_SOURCES: Record<string, string[]> = table({
  'ec2.amazonaws.com': [
    'RunInstances', 'DescribeInstances', 'StopInstances', 'TerminateInstances', 'AuthorizeSecurityGroupIngress', 'CreateSecurityGroup',
    'CreateNetworkAcl', 'CreateRoute', 'CreateVpc', 'DeleteVpc', 'CreateCustomerGateway', 'AttachInternetGateway', 'DescribeRegions',
    'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'DeleteSecurityGroup', 'ModifySecurityGroupRules',
    'DescribeSecurityGroups', 'DescribeSecurityGroupRules', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry',
    'ReplaceNetworkAclAssociation', 'DescribeNetworkAcls', 'DeleteCustomerGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway',
    'DescribeInternetGateways', 'DescribeCustomerGateways', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable',
    'DeleteRoute', 'DisassociateRouteTable', 'DescribeRouteTables', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection',
    'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink',
    'EnableVpcClassicLink', 'DescribeVpcs',
  ],
  's3.amazonaws.com': [
    'GetBucketAcl', 'HeadBucket', 'ListBuckets', 'GetObject', 'PutObject', 'CreateBucket', 'DeleteBucket', 'PutBucketPolicy', 'PutBucketAcl', 'ListObjects',
    'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication',
    'GetBucketPolicy', 'DeleteObject',
  ],
  'iam.amazonaws.com': [
    'CreateUser', 'ListUsers', 'CreateAccessKey', 'AttachUserPolicy', 'AttachRolePolicy', 'CreatePolicy', 'DeletePolicy', 'PutUserPolicy', 'GetUser',
    'GetPolicy', 'ListPolicies', 'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'CreatePolicyVersion',
    'DeletePolicyVersion', 'DetachRolePolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
  ],
  'sts.amazonaws.com': ['AssumeRole', 'GetCallerIdentity', 'GetSessionToken'],
  'secretsmanager.amazonaws.com': ['GetSecretValue', 'ListSecrets', 'CreateSecret'],
  'kms.amazonaws.com': ['Decrypt', 'GenerateDataKey', 'DisableKey', 'ScheduleKeyDeletion', 'DescribeKey', 'ListKeys', 'ListAliases', 'GetKeyPolicy', 'Encrypt'],
  'cloudtrail.amazonaws.com': ['DescribeTrails', 'StopLogging', 'StartLogging', 'UpdateTrail', 'DeleteTrail', 'CreateTrail', 'GetTrailStatus', 'ListTrails', 'LookupEvents'],
  'logs.amazonaws.com': ['PutMetricFilter', 'DeleteMetricFilter', 'DescribeMetricFilters'],
  'monitoring.amazonaws.com': ['PutMetricAlarm', 'DeleteAlarms', 'DescribeAlarms'],
  'config.amazonaws.com': [
    'StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutConfigurationRecorder', 'PutDeliveryChannel', 'DescribeConfigurationRecorders',
    'GetComplianceDetailsByConfigRule', 'ListDiscoveredResources', 'PutEvaluations', 'SelectResourceConfig',
  ],
  'organizations.amazonaws.com': [
    'DescribeOrganization', 'ListAccounts', 'CreateAccount', 'AcceptHandshake', 'AttachPolicy', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake',
    'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization',
    'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit', 'DescribeAccount', 'ListRoots', 'ListPolicies',
  ],
  // The sign-in events of the CloudTrail User Guide's examples besides ConsoleLogin (SIGN_IN).
  'signin.amazonaws.com': ['ConsoleLogin', 'CheckMfa', 'SwitchRole'],
});

/** The eventSource that writes records of this eventName, when the catalogue knows it (the first, for a shared name). */
export function eventSourceOf(eventName: string): string | undefined {
  return Object.keys(EVENT_SOURCES).find((source) => EVENT_SOURCES[source]!.includes(eventName));
}

/** Whether the catalogue lists this eventName under this eventSource. */
export function writesEvent(eventSource: string, eventName: string): boolean {
  return EVENT_SOURCES[eventSource]?.includes(eventName) ?? false;
}

/** The IAM action of a call, as a denial's errorMessage names it: ec2:RunInstances. */
export function actionOf(eventSource: string, eventName: string): string {
  const prefix = eventSource.replace(/\.amazonaws\.com$/, '').replace(/^monitoring$/, 'cloudwatch');
  return `${prefix}:${eventName}`;
}

const ROLE_ID = 'AROACKCEVSQ6C2EXAMPLE';

/**
 * A userIdentity of each type, as CloudTrail writes it ("CloudTrail userIdentity element"): an IAM user's
 * principalId starts with AIDA and its arn names the userName; an assumed role's principalId is the role's AROA
 * id and the session name, with a sessionContext naming the role; the root user's principalId is the account id;
 * an AWS service has only invokedBy, no account.
 */
export function userIdentityOf(type: string, session = 'alice', role = 'Admin'): JsonObject | undefined {
  switch (type) {
    case 'IAMUser':
      // An IAM user's name is `session` here: the one name the record is about.
      return { type, principalId: 'AIDAEXAMPLEPRINCIPAL', arn: `arn:aws:iam::${ACCOUNT}:user/${session}`, accountId: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: session };
    case 'AssumedRole':
      return {
        type,
        principalId: `${ROLE_ID}:${session}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: ROLE_ID, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
          attributes: { creationDate: '2026-11-27T08:59:41Z', mfaAuthenticated: 'false' },
        },
      };
    case 'Root':
      return { type, principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIAIOSFODNN7EXAMPLE' };
    case 'FederatedUser':
      return {
        type,
        principalId: `${ACCOUNT}:${session}`,
        arn: `arn:aws:sts::${ACCOUNT}:federated-user/${session}`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        sessionContext: { sessionIssuer: { type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' } },
      };
    case 'AWSService':
      return { type, invokedBy: 'delivery.logs.amazonaws.com' };
    default:
      return undefined;
  }
}

/**
 * What only a console sign-in carries, and what it never carries. Every record that AWS documents with
 * responseElements.ConsoleLogin or additionalEventData MFAUsed, LoginTo or MobileVersion is a ConsoleLogin of
 * signin.amazonaws.com with eventType AwsConsoleSignIn (CloudTrail User Guide, "AWS console sign-in events": IAM
 * user and root, success, MFA, failure; IAM User Guide, "Example sign-in events in CloudTrail log"; federated
 * ConsoleLogin records carry them too). The other sign-in events carry keys of their own: CheckMfa has
 * responseElements.CheckMfa and additionalEventData.MfaType, SwitchRole responseElements.SwitchRole and
 * additionalEventData.SwitchFrom/RedirectTo. A failed sign-in says so in errorMessage ("Failed authentication", "No
 * username found in supplied account") and responseElements.ConsoleLogin "Failure", never in errorCode: signin
 * writes no error code (SERVICE_ERRORS).
 */
export const SIGN_IN = {
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  eventType: 'AwsConsoleSignIn',
  onlyFields: ['responseElements.ConsoleLogin', 'additionalEventData.MFAUsed', 'additionalEventData.LoginTo', 'additionalEventData.MobileVersion'],
} as const;

/**
 * Whether a value can be a record's errorCode. An errorCode names an error (AccessDenied, ...Exception, EC2's
 * Client.-prefixed codes: "CloudTrail record contents", each service's CloudTrail examples), and an AWS service
 * model names its operations and its errors apart; so an event's name, such as ConsoleLogin, is never an errorCode.
 */
export function isErrorCode(value: string): boolean {
  return eventSourceOf(value) === undefined;
}

function valueAt(record: JsonObject, path: string): unknown {
  let node: unknown = record;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as JsonObject)[key] : undefined;
  }
  return node;
}

/** Whether the record carries a field that only a ConsoleLogin carries (SIGN_IN). */
export function carriesSignInField(record: JsonObject): boolean {
  return SIGN_IN.onlyFields.some((path) => valueAt(record, path) !== undefined);
}

/**
 * Whether CloudTrail can write this record at all, by the rules of SIGN_IN and isErrorCode: the judge's search
 * considers no other record, so a pattern is never rejected for one that cannot occur.
 */
export function writable(record: JsonObject): boolean {
  const login = record.eventName === SIGN_IN.eventName;
  if (carriesSignInField(record) && !login) return false;
  if (login && (record.eventSource !== SIGN_IN.eventSource || record.eventType !== SIGN_IN.eventType)) return false;
  if (record.eventSource === SIGN_IN.eventSource && Object.hasOwn(record, 'errorCode')) return false;
  return typeof record.errorCode !== 'string' || isErrorCode(record.errorCode);
}

const IDENTITY_SHAPES: Record<string, (identity: JsonObject) => boolean> = table({
  IAMUser: (u) => typeof u.principalId === 'string' && u.principalId.startsWith('AIDA') && typeof u.accountId === 'string' && typeof u.userName === 'string' && u.arn === `arn:aws:iam::${u.accountId}:user/${u.userName}`,
  AssumedRole: (u) => typeof u.principalId === 'string' && /^AROA\w+:/.test(u.principalId) && typeof u.sessionContext === 'object',
  Root: (u) => typeof u.accountId === 'string' && u.principalId === u.accountId && u.arn === `arn:aws:iam::${u.accountId}:root`,
  AWSService: (u) => typeof u.invokedBy === 'string' && u.accountId === undefined,
});

/**
 * How many ways a record departs from what CloudTrail writes: an eventSource other than its eventName's, an
 * error code its service does not write, a userIdentity whose fields disagree with its type, a field or error
 * CloudTrail never writes on such a record (writable). 0 reads as real.
 */
export function inconsistencies(record: JsonObject): number {
  const source = typeof record.eventSource === 'string' ? record.eventSource : '';
  const known = typeof record.eventName === 'string' ? eventSourceOf(record.eventName) : undefined;
  const codes = SERVICE_ERRORS[source]?.errorCodes;
  const identity = record.userIdentity;
  const type = typeof identity === 'object' && identity !== null && !Array.isArray(identity) ? identity.type : undefined;
  const shape = typeof type === 'string' ? IDENTITY_SHAPES[type] : undefined;
  return (
    (known !== undefined && !writesEvent(source, record.eventName as string) ? 1 : 0) +
    (typeof record.errorCode === 'string' && codes !== undefined && !codes.includes(record.errorCode) ? 1 : 0) +
    (shape !== undefined && !shape(identity as JsonObject) ? 1 : 0) +
    (writable(record) ? 0 : 1)
  );
}

/** Values seen in real records for the fields the CIS definition uses, tried before invented ones. */
export const REALISTIC_VALUES: Record<string, string[]> = table({
  errorCode: [
    'Client.UnauthorizedOperation',
    'AccessDeniedException',
    'AccessDenied',
    'UnauthorizedOperation',
    'Client.RequestLimitExceeded',
    'ThrottlingException',
    'NoSuchBucket',
    ...new Set(Object.values(SERVICE_ERRORS).flatMap((s) => s.errorCodes)),
  ],
  eventName: ['RunInstances', 'DescribeInstances', 'GetSecretValue', 'CreateUser', 'HeadBucket', 'GetBucketAcl', ...Object.values(EVENT_SOURCES).flat()],
  sourceIPAddress: ['203.0.113.12', 'delivery.logs.amazonaws.com', 'cloudtrail.amazonaws.com', '198.51.100.7', 'AWS Internal'],
  eventSource: ['ec2.amazonaws.com', 's3.amazonaws.com', 'iam.amazonaws.com', 'kms.amazonaws.com', ...Object.keys(EVENT_SOURCES)],
  'userIdentity.type': ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser', 'AWSAccount', 'IdentityCenterUser'],
  'userIdentity.userName': ['alice', 'Admin'],
  'userIdentity.invokedBy': ['delivery.logs.amazonaws.com', 'cloudtrail.amazonaws.com', 'config.amazonaws.com', 'cloudformation.amazonaws.com'],
  eventType: ['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleSignIn', 'AwsConsoleAction'],
  errorMessage: ['Failed authentication'],
  'additionalEventData.MFAUsed': ['No', 'Yes'],
  'responseElements.ConsoleLogin': ['Success', 'Failure'],
  'requestParameters.bucketName': ['amzn-s3-demo-bucket', 'amzn-s3-demo-logs'],
  awsRegion: ['us-east-1', 'eu-west-1'],
  userAgent: ['aws-cli/2.22.4', 'signin.amazonaws.com', 'console.amazonaws.com'],
});
