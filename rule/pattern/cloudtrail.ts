/**
 * What CloudTrail records look like, for the judge: which fields every record has and of which type, and a
 * small catalogue of realistic records from which counterexamples are built.
 */
import type { JsonObject } from './evaluate';

export type FieldType = 'string' | 'boolean' | 'object' | 'objectOrNull' | 'array';

/** Objects whose keys are all listed in CLOUDTRAIL_FIELDS. */
export const CLOSED_OBJECTS = ['', 'userIdentity'];

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
export const CLOUDTRAIL_FIELDS: Record<string, FieldShape> = {
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
};

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

/** Values seen in real records for the fields the CIS definition uses, tried before invented ones. */
export const REALISTIC_VALUES: Record<string, string[]> = {
  errorCode: [
    'Client.UnauthorizedOperation',
    'AccessDeniedException',
    'AccessDenied',
    'UnauthorizedOperation',
    'Client.RequestLimitExceeded',
    'ThrottlingException',
    'NoSuchBucket',
  ],
  eventName: ['RunInstances', 'DescribeInstances', 'GetSecretValue', 'CreateUser', 'HeadBucket', 'GetBucketAcl'],
  sourceIPAddress: ['203.0.113.12', 'delivery.logs.amazonaws.com', 'cloudtrail.amazonaws.com'],
  eventSource: ['ec2.amazonaws.com', 's3.amazonaws.com', 'iam.amazonaws.com', 'kms.amazonaws.com'],
};
