/**
 * A declarative model of AWS accounts as far as this rule reads them: trails, log groups with their metric
 * filters, alarms, SNS topics with their subscriptions, and cross-account roles.
 *
 * The types live in devtools/local-aws/state.ts (plain JSON-serialisable data, AWS's names camelCased), so that the
 * same world serves the in-memory FakeAwsReader and the local AWS emulator over HTTP; this file re-exports them and
 * holds the builders.
 *
 * Tests start from a builder (compliantAccount, organizationWorld) and mutate a structuredClone of it.
 */
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import type { MetricAlarm, MetricFilter, Subscription } from '../../rule/snapshot';
import { alarmArn, logGroupArn, topicArn, type AccountState, type TrailState, type World } from '../../devtools/local-aws/state';

// The model lives with the local AWS emulator, which serves it over HTTP; re-exported for the tests.
export type {
  AccessKeyState,
  AccountState,
  AlarmState,
  Faults,
  KmsKeyState,
  LogGroupState,
  RecordedEvaluation,
  RoleState,
  TopicAttributes,
  TopicState,
  TrailState,
  World,
} from '../../devtools/local-aws/state';
export { alarmArn, logGroupArn, roleArn, topicArn, trailArn } from '../../devtools/local-aws/state';

// ---- Names shared by the builders and the tests ----------------------------------------------------------------

export const ACCOUNT_ID = '111122223333';
export const MANAGEMENT_ACCOUNT_ID = '999988887777';
export const REGION = 'us-east-1';
export const METRIC_NAMESPACE = 'CISBenchmark';
export const METRIC_NAME = 'UnauthorizedAPICalls';
export const FILTER_NAME = 'unauthorized-api-calls';
export const ALARM_NAME = 'unauthorized-api-calls-alarm';
export const TOPIC_NAME = 'security-alerts';
export const LOG_GROUP_NAME = 'aws-cloudtrail-logs';
export const ORG_TRAIL_NAME = 'org-trail';
export const ORG_LOG_GROUP_NAME = 'aws-controltower/CloudTrailLogs';
export const ORG_READ_ROLE_NAME = 'UnauthorizedApiCallsReader';

// ---- Element builders -------------------------------------------------------------------------------------------

/** A multi-region trail in us-east-1 that is logging all read and write management events (no log group unless given). */
export function trail(overrides: Partial<TrailState> & Pick<TrailState, 'name'>): TrailState {
  return {
    homeRegion: REGION,
    isMultiRegionTrail: true,
    status: { isLogging: true, latestCloudWatchLogsDeliveryTime: '2025-01-01T00:00:00Z' },
    eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
    ...overrides,
  };
}

/** The CIS metric filter (v2.0 text) publishing CISBenchmark/UnauthorizedAPICalls = 1. */
export function cisFilter(overrides: Partial<Omit<MetricFilter, 'logGroupName'>> = {}): Omit<MetricFilter, 'logGroupName'> {
  return {
    filterName: FILTER_NAME,
    filterPattern: CIS_PATTERNS['cis-2.0'],
    metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: METRIC_NAME, metricValue: '1' }],
    ...overrides,
  };
}

/** A standard alarm that fires on one call: Sum >= 1 over 300 s, one period, notBreaching, actions enabled. */
export function cisAlarm(accountId: string, region: string, actionTopicArn: string, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  const alarmName = overrides.alarmName ?? ALARM_NAME;
  return {
    alarmName,
    alarmArn: alarmArn(accountId, region, alarmName),
    region,
    actionsEnabled: true,
    alarmActions: [actionTopicArn],
    metricName: METRIC_NAME,
    namespace: METRIC_NAMESPACE,
    statistic: 'Sum',
    dimensions: [],
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    ...overrides,
  };
}

/** A metric-math alarm on `metricName` in account 111122223333 (query m1 returned), notifying `topic`. */
export function mathAlarm(name: string, metricName = METRIC_NAME, topic = topicArn(ACCOUNT_ID, REGION, TOPIC_NAME)): MetricAlarm {
  return {
    ...cisAlarm(ACCOUNT_ID, REGION, topic, { alarmName: name }),
    metricName: undefined,
    namespace: undefined,
    statistic: undefined,
    period: undefined,
    metrics: [
      { id: 'm1', returnData: true, metricStat: { metric: { namespace: METRIC_NAMESPACE, metricName, dimensions: [] }, period: 300, stat: 'Sum' } },
    ],
  };
}

export function confirmedEmail(topic: string, id = '0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9'): Subscription {
  return { subscriptionArn: `${topic}:${id}`, protocol: 'email', endpoint: 'security@example.com' };
}

export function pendingEmail(): Subscription {
  return { subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'security@example.com' };
}

/**
 * The whole chain in one account and region: trail -> log group -> filter -> alarm -> topic -> confirmed
 * subscription, named by `names` so that several chains can live in one account.
 */
export function chainIn(accountId: string, region: string, names: { trail: string; logGroup: string; filter: string; alarm: string; topic: string }): Pick<AccountState, 'trails' | 'logGroups' | 'alarms' | 'topics'> {
  const topic = topicArn(accountId, region, names.topic);
  return {
    trails: [trail({ name: names.trail, homeRegion: region, cloudWatchLogsLogGroupArn: logGroupArn(accountId, region, names.logGroup) })],
    logGroups: [{ name: names.logGroup, region, metricFilters: [cisFilter({ filterName: names.filter })] }],
    alarms: [cisAlarm(accountId, region, topic, { alarmName: names.alarm })],
    topics: [{ topicArn: topic, subscriptions: [confirmedEmail(topic)] }],
  };
}

// ---- Account and world builders ---------------------------------------------------------------------------------

/**
 * Account 111122223333 holding the whole chain in us-east-1: multi-region trail 'main' (logging, classic
 * selector All + management events) -> log group aws-cloudtrail-logs -> filter 'unauthorized-api-calls'
 * (CIS v2.0) -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts with one confirmed email.
 */
export function compliantAccount(overrides: Partial<AccountState> = {}): AccountState {
  return {
    accountId: ACCOUNT_ID,
    ...chainIn(ACCOUNT_ID, REGION, { trail: 'main', logGroup: LOG_GROUP_NAME, filter: FILTER_NAME, alarm: ALARM_NAME, topic: TOPIC_NAME }),
    ...overrides,
  };
}

export function compliantWorld(): World {
  return { accounts: [compliantAccount()] };
}

/**
 * An organization: management account 999988887777 owns the organization trail 'org-trail' and its whole chain
 * (log group aws-controltower/CloudTrailLogs, filter, alarm, topic); member 111122223333 has no trail of its
 * own. The management account's role 'UnauthorizedApiCallsReader' trusts the member.
 */
export function organizationWorld(): World {
  const management: AccountState = {
    accountId: MANAGEMENT_ACCOUNT_ID,
    ...chainIn(MANAGEMENT_ACCOUNT_ID, REGION, {
      trail: ORG_TRAIL_NAME,
      logGroup: ORG_LOG_GROUP_NAME,
      filter: FILTER_NAME,
      alarm: ALARM_NAME,
      topic: TOPIC_NAME,
    }),
    roles: [{ roleName: ORG_READ_ROLE_NAME, trustedAccountIds: [ACCOUNT_ID] }],
  };
  management.trails[0]!.isOrganizationTrail = true;
  const member: AccountState = { accountId: ACCOUNT_ID, trails: [], logGroups: [], alarms: [], topics: [] };
  return {
    organization: { managementAccountId: MANAGEMENT_ACCOUNT_ID, memberAccountIds: [ACCOUNT_ID] },
    accounts: [management, member],
  };
}

export function accountIn(world: World, accountId: string): AccountState {
  const account = world.accounts.find((a) => a.accountId === accountId);
  if (!account) throw new Error(`no account ${accountId} in the world`);
  return account;
}
