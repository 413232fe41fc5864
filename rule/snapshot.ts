/**
 * What the collectors read from AWS for one account in one region: the input of the compliance decision.
 *
 * Every read is a `Fetched` value, so a call that failed (AccessDenied, a region disabled by an SCP, an
 * unreachable account) is part of the snapshot and the decision can say which action on which resource failed.
 * Links that the collectors did not need to read (because an earlier link of that trail was already broken) are
 * absent (undefined).
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

export interface TopicSnapshot {
  topicArn: string;
  subscriptions: Fetched<Subscription[]>;
}

export interface AlarmSnapshot {
  alarm: MetricAlarm;
  /** The SNS topics among the alarm's actions, with their subscriptions (read only for alarms that would fire). */
  topics?: TopicSnapshot[];
}

/** Most messages logs:TestMetricFilter takes in one call. */
export const TEST_METRIC_FILTER_MAX_MESSAGES = 50;

/** AWS's own engine (logs:TestMetricFilter) run on the judge's witness records. */
export interface AwsPatternTest {
  records: JsonObject[];
  /** Whether AWS matched each record, in order. */
  matches: boolean[];
}

export interface FilterSnapshot {
  filter: MetricFilter;
  awsTest?: Fetched<AwsPatternTest>;
  /** Standard alarms on the filter's metric (DescribeAlarmsForMetric). */
  alarms?: Fetched<AlarmSnapshot[]>;
  /** Metric-math alarms that reference the metric (DescribeAlarms), read only when no standard alarm qualifies. */
  mathAlarms?: Fetched<AlarmSnapshot[]>;
}

export interface TrailSnapshot {
  trail: Trail;
  /**
   * For an organization trail owned by another account: whether the org-trail read role in the owner account
   * could be assumed. `not-configured` when the rule has no role to assume there.
   */
  ownerAccess?: 'not-configured' | Fetched<{ roleArn: string }>;
  status?: Fetched<TrailStatus>;
  selectors?: Fetched<EventSelectors>;
  metricFilters?: Fetched<FilterSnapshot[]>;
}

export interface AccountSnapshot {
  accountId: string;
  /** The region the rule evaluates. */
  region: string;
  trails: Fetched<TrailSnapshot[]>;
}
