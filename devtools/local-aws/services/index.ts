/**
 * The services the emulator serves, by SigV4 signing name, with the protocols each is reached by and the codes it
 * answers for throttling and for an IAM denial (checked against the SDK v3 error shapes and botocore's models).
 */
import type { ServiceDefinition } from '../common';
import { cloudtrail } from './cloudtrail';
import { cloudwatch } from './cloudwatch';
import { config } from './config';
import { configAggregator } from './config-aggregator';
import { kms } from './kms';
import { logs } from './logs';
import { organizations } from './organizations';
import { sns } from './sns';
import { sts } from './sts';

export interface ServiceEndpoint {
  /** The service in the SigV4 credential scope. */
  signingName: string;
  definition: ServiceDefinition;
  json?: { version: '1.0' | '1.1'; targetPrefixes: string[] };
  query?: { version: string; xmlNamespace: string };
  throttling: { code: string; status: number };
  accessDenied: { code: string; status: number };
}

const JSON_THROTTLING = { code: 'ThrottlingException', status: 400 };
const JSON_ACCESS_DENIED = { code: 'AccessDeniedException', status: 400 };

export const ENDPOINTS: ServiceEndpoint[] = [
  {
    signingName: 'cloudtrail',
    definition: cloudtrail,
    // SDK v3 sends the short prefix, botocore the fully qualified one.
    json: { version: '1.1', targetPrefixes: ['CloudTrail_20131101', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'] },
    throttling: JSON_THROTTLING,
    accessDenied: JSON_ACCESS_DENIED,
  },
  {
    signingName: 'logs',
    definition: logs,
    json: { version: '1.1', targetPrefixes: ['Logs_20140328'] },
    throttling: JSON_THROTTLING,
    accessDenied: JSON_ACCESS_DENIED,
  },
  {
    signingName: 'monitoring',
    definition: cloudwatch,
    // JSON 1.0 for SDK v3 and botocore >= 1.37ish; Query for older botocore and AWS CLI releases.
    json: { version: '1.0', targetPrefixes: ['GraniteServiceVersion20100801'] },
    query: { version: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
    throttling: { code: 'Throttling', status: 400 },
    accessDenied: { code: 'AccessDenied', status: 403 },
  },
  {
    signingName: 'sns',
    definition: sns,
    query: { version: '2010-03-31', xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/' },
    // SNS's own codes: ThrottledException's awsQueryError is Throttled/429, IAM denials are AuthorizationError.
    throttling: { code: 'Throttled', status: 429 },
    accessDenied: { code: 'AuthorizationError', status: 403 },
  },
  {
    signingName: 'sts',
    definition: sts,
    query: { version: '2011-06-15', xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
    throttling: { code: 'Throttling', status: 400 },
    accessDenied: { code: 'AccessDenied', status: 403 },
  },
  {
    signingName: 'kms',
    definition: kms,
    json: { version: '1.1', targetPrefixes: ['TrentService'] },
    throttling: JSON_THROTTLING,
    accessDenied: JSON_ACCESS_DENIED,
  },
  {
    signingName: 'config',
    // One endpoint and target prefix serve the rule's PutEvaluations and the report's aggregator reads.
    definition: { ...config, operations: { ...config.operations, ...configAggregator.operations } },
    json: { version: '1.1', targetPrefixes: ['StarlingDoveService'] },
    throttling: JSON_THROTTLING,
    accessDenied: JSON_ACCESS_DENIED,
  },
  {
    signingName: 'organizations',
    definition: organizations,
    json: { version: '1.1', targetPrefixes: ['AWSOrganizationsV20161128'] },
    // Organizations' own throttling code (its TooManyRequestsException).
    throttling: { code: 'TooManyRequestsException', status: 400 },
    accessDenied: JSON_ACCESS_DENIED,
  },
];

export function endpointBySigningName(name: string): ServiceEndpoint | undefined {
  return ENDPOINTS.find((e) => e.signingName === name);
}

export function endpointByTarget(prefix: string): ServiceEndpoint | undefined {
  return ENDPOINTS.find((e) => e.json?.targetPrefixes.includes(prefix));
}

export function endpointByQueryVersion(version: string): ServiceEndpoint | undefined {
  return ENDPOINTS.find((e) => e.query?.version === version);
}
