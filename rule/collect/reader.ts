/**
 * The reads the rule makes, one method per AWS call family. The SDK implementation (sdk-reader.ts) routes each
 * call to the right region, paginates and retries; the orchestration (account.ts) decides which reads are needed.
 * Every method resolves (never rejects) for AWS errors: a failure is returned as a CallFailure naming the IAM
 * action and the resource. So is whatever keeps a read from proving anything: an answer missing what the call is
 * read for, a listing that loops or never ends, the evaluation's time running out (READER_FAILURE).
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
  /** sns:ListSubscriptionsByTopic in the topic's region (from its ARN), read page by page only until a page holds a
   * confirmed subscription (isConfirmed): the list may then be partial, holding that page and those before it. */
  listSubscriptionsByTopic(topicArn: string): Promise<Fetched<Subscription[]>>;
  /** sts:AssumeRole, giving a reader that uses the role's credentials (for the account in the role ARN). */
  assumeRole(roleArn: string): Promise<Fetched<AwsReader>>;
}


/**
 * Most pages one listing reads. Far above real use: 1,000 pages are 100,000 alarms (DescribeAlarms, 100 a page),
 * 100,000 subscriptions (ListSubscriptionsByTopic, 100 a page, and reading stops at the first confirmed one) or
 * 50,000 metric filters (DescribeMetricFilters, 50 a page, where a log group holds at most 100); a service still
 * paging after that is misbehaving.
 */
export const MAX_PAGES = 1_000;

/** Codes of the CallFailures the reader reports itself; the others are AWS's error codes, `NetworkError` or `TimeoutError`. */
export const READER_FAILURE = {
  /** The evaluation's time budget was spent before the call started or finished. */
  timeBudgetExhausted: 'TimeBudgetExhausted',
  /** AWS answered without what the call is read for (GetEventSelectors with no selectors, no IsLogging, ...). */
  incompleteResponse: 'IncompleteResponse',
  /** AWS answered with something unusable (a TestMetricFilter match naming no message sent, ...). */
  invalidResponse: 'InvalidResponse',
  /** A listing returned a page token it had returned before. */
  paginationLoop: 'PaginationLoop',
  /** A listing went on past MAX_PAGES pages. */
  tooManyPages: 'TooManyPages',
} as const;
