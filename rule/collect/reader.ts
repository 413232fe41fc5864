/**
 * The reads the rule makes, one method per AWS call family. The SDK implementation (sdk-reader.ts) routes each
 * call to the right region, paginates and retries; the orchestration (snapshot.ts) decides which reads are needed.
 * Every method resolves (never rejects) for AWS errors: a failure is returned as a CallFailure naming the IAM
 * action and the resource.
 */
import type {
  EventSelectors,
  Fetched,
  MetricAlarm,
  MetricFilter,
  Subscription,
  Trail,
  TrailStatus,
} from '../snapshot';

export interface AwsReader {
  /** The account whose credentials this reader uses. */
  readonly accountId: string;
  /** cloudtrail:DescribeTrails in `region`, shadow trails included (multi-region and organization trails seen from here). */
  describeTrails(region: string): Promise<Fetched<Trail[]>>;
  /** cloudtrail:GetTrailStatus by trail ARN, in the trail's home region. */
  getTrailStatus(trail: Trail): Promise<Fetched<TrailStatus>>;
  /** cloudtrail:GetEventSelectors by trail ARN, in the trail's home region. */
  getEventSelectors(trail: Trail): Promise<Fetched<EventSelectors>>;
  /** logs:DescribeMetricFilters on one log group, all pages. */
  describeMetricFilters(logGroupName: string, region: string): Promise<Fetched<MetricFilter[]>>;
  /** logs:TestMetricFilter: whether AWS's engine matches each message (at most 50), in order. */
  testMetricFilter(filterPattern: string, messages: string[], region: string): Promise<Fetched<boolean[]>>;
  /** cloudwatch:DescribeAlarmsForMetric: standard alarms on exactly this metric. */
  describeAlarmsForMetric(namespace: string, metricName: string, region: string): Promise<Fetched<MetricAlarm[]>>;
  /** cloudwatch:DescribeAlarms, all pages, keeping only metric-math alarms (those with `Metrics`). */
  describeMetricMathAlarms(region: string): Promise<Fetched<MetricAlarm[]>>;
  /** sns:ListSubscriptionsByTopic, all pages, in the topic's region (from its ARN). */
  listSubscriptionsByTopic(topicArn: string): Promise<Fetched<Subscription[]>>;
  /** sts:AssumeRole, giving a reader that uses the role's credentials (for the account in the role ARN). */
  assumeRole(roleArn: string): Promise<Fetched<AwsReader>>;
}

/** Most messages logs:TestMetricFilter takes in one call. */
export const TEST_METRIC_FILTER_MAX_MESSAGES = 50;
