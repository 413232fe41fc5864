/**
 * What the rule reads from AWS: the shapes of the answers, the reads the decision can ask for (ReadRequest), and the
 * snapshot of what was read for one account (by read), which is the input of the compliance decision.
 */
import type { JsonObject } from './pattern/evaluate';

export interface CallFailure {
  /** IAM action, e.g. `cloudwatch:DescribeAlarmsForMetric`. */
  action: string;
  /** What the call was about: an ARN, or a description such as `metric CISBenchmark/UnauthorizedAPICalls in us-east-1`. */
  resource: string;
  /** The AWS error code (`AccessDeniedException`, `UnrecognizedClientException`, ...) or `NetworkError`. */
  code: string;
  message: string;
}

export type Fetched<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  /** Account that owns the trail, from its ARN. */
  ownerAccountId: string;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  cloudWatchLogsLogGroupArn?: string;
}

export interface TrailStatus {
  isLogging: boolean;
  latestCloudWatchLogsDeliveryError?: string;
  latestCloudWatchLogsDeliveryTime?: string;
}

export interface ClassicEventSelector {
  readWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  includeManagementEvents?: boolean;
  excludeManagementEventSources?: string[];
}

export interface AdvancedFieldSelector {
  field: string;
  equals?: string[];
  startsWith?: string[];
  endsWith?: string[];
  notEquals?: string[];
  notStartsWith?: string[];
  notEndsWith?: string[];
}

export interface AdvancedEventSelector {
  name?: string;
  fieldSelectors: AdvancedFieldSelector[];
}

/** GetEventSelectors returns one kind or the other; both absent means the trail has no selectors configured. */
export interface EventSelectors {
  eventSelectors?: ClassicEventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
}

export interface MetricTransformation {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  defaultValue?: number;
  dimensions?: Record<string, string>;
  unit?: string;
}

export interface MetricFilter {
  filterName: string;
  filterPattern: string;
  logGroupName: string;
  metricTransformations: MetricTransformation[];
}

export interface MetricDimension {
  name: string;
  value: string;
}

export interface MetricDataQuery {
  id: string;
  expression?: string;
  returnData?: boolean;
  metricStat?: {
    metric: { namespace?: string; metricName?: string; dimensions: MetricDimension[] };
    period: number;
    stat: string;
    unit?: string;
  };
}

export interface MetricAlarm {
  alarmName: string;
  alarmArn: string;
  /** Region the alarm lives in (the region it was read from). */
  region: string;
  actionsEnabled: boolean;
  alarmActions: string[];
  metricName?: string;
  namespace?: string;
  statistic?: string;
  extendedStatistic?: string;
  dimensions: MetricDimension[];
  period?: number;
  unit?: string;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold?: number;
  comparisonOperator: string;
  treatMissingData?: string;
  /** Metric-math alarms: the queries, one of which returns the alarmed series. */
  metrics?: MetricDataQuery[];
  thresholdMetricId?: string;
}

export interface Subscription {
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
}

/** Most messages logs:TestMetricFilter takes in one call. */
export const TEST_METRIC_FILTER_MAX_MESSAGES = 50;

/**
 * One read the decision can ask for, by the AwsReader method that performs it and its arguments. `via` names the
 * role (sts:AssumeRole, by ARN) whose credentials make the read, for the chain of an organization trail owned by
 * another account; absent, the evaluated account's own credentials make it.
 */
export type ReadRequest =
  | { read: 'describeTrails'; region: string }
  | { read: 'assumeRole'; roleArn: string }
  | { read: 'getTrailStatus'; via?: string; trail: Trail }
  | { read: 'getEventSelectors'; via?: string; trail: Trail }
  | { read: 'describeMetricFilters'; via?: string; logGroupName: string; region: string }
  /** `records` are the judge's witness records; the answer says whether AWS's engine matches each, in order. */
  | { read: 'testMetricFilter'; via?: string; filterPattern: string; records: JsonObject[]; region: string }
  | { read: 'describeAlarmsForMetric'; via?: string; namespace: string; metricName: string; region: string }
  | { read: 'describeMetricMathAlarms'; via?: string; region: string }
  | { read: 'listSubscriptionsByTopic'; via?: string; topicArn: string };

/** What each read gives. */
export interface ReadResults {
  describeTrails: Trail[];
  assumeRole: { roleArn: string };
  getTrailStatus: TrailStatus;
  getEventSelectors: EventSelectors;
  describeMetricFilters: MetricFilter[];
  testMetricFilter: boolean[];
  describeAlarmsForMetric: MetricAlarm[];
  describeMetricMathAlarms: MetricAlarm[];
  listSubscriptionsByTopic: Subscription[];
}

export type ReadResult<R extends ReadRequest> = Fetched<ReadResults[R['read']]>;

/** A read by its arguments: two requests with one key are one call. A trail is named by its ARN. */
export function readKey(request: ReadRequest): string {
  const args: unknown[] = (() => {
    switch (request.read) {
      case 'describeTrails':
        return [request.region];
      case 'assumeRole':
        return [request.roleArn];
      case 'getTrailStatus':
      case 'getEventSelectors':
        return [request.via, request.trail.arn];
      case 'describeMetricFilters':
        return [request.via, request.logGroupName, request.region];
      case 'testMetricFilter':
        return [request.via, request.filterPattern, request.records, request.region];
      case 'describeAlarmsForMetric':
        return [request.via, request.namespace, request.metricName, request.region];
      case 'describeMetricMathAlarms':
        return [request.via, request.region];
      case 'listSubscriptionsByTopic':
        return [request.via, request.topicArn];
    }
  })();
  return JSON.stringify([request.read, ...args]);
}

/**
 * What the collectors read for one account in one region, by read (readKey): the input of the compliance decision.
 * Every read is a `Fetched` value, so a call that failed (AccessDenied, a region disabled by an SCP, an unreachable
 * account) is part of the snapshot and the decision can say which action on which resource failed. What the
 * decision did not need is absent.
 */
export interface AccountSnapshot {
  accountId: string;
  /** The region the rule evaluates. */
  region: string;
  reads: Record<string, Fetched<unknown>>;
}

/** The answer to `request` in `snapshot`, if it was read. */
export function readIn<R extends ReadRequest>(snapshot: AccountSnapshot, request: R): ReadResult<R> | undefined {
  // Object.hasOwn: keys are JSON arrays, never prototype members, but a lookup must not reach the prototype anyway.
  const key = readKey(request);
  // The cast holds because the only writer (recordRead) files each answer under its own request's key.
  return Object.hasOwn(snapshot.reads, key) ? (snapshot.reads[key] as ReadResult<R>) : undefined;
}

/** Files the answer to `request` in `snapshot`. */
export function recordRead<R extends ReadRequest>(snapshot: AccountSnapshot, request: R, result: ReadResult<R>): void {
  snapshot.reads[readKey(request)] = result;
}
