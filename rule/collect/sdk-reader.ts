/**
 * AwsReader over the AWS SDK v3: one lazily created client per (service, region), SDK paginators for every
 * paginated call, the SDK's adaptive retry for throttling, and every SDK error turned into a CallFailure.
 *
 * Every read is bounded: each call stops when the evaluation's time budget is spent (an AbortSignal ends retries,
 * rate-limiter waits and held requests at once), requests time out (client-config.ts), and listings stop on a
 * repeated token or after MAX_PAGES pages. An answer that leaves out what the decision needs is a failure, never
 * read as a default.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type {
  AdvancedEventSelector as SdkAdvancedEventSelector,
  AdvancedFieldSelector as SdkAdvancedFieldSelector,
  EventSelector as SdkEventSelector,
  GetEventSelectorsResponse,
  GetTrailStatusResponse,
  Trail as SdkTrail,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsForMetricCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import type {
  Dimension as SdkDimension,
  MetricAlarm as SdkMetricAlarm,
  MetricDataQuery as SdkMetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, TestMetricFilterCommand, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import type {
  MetricFilter as SdkMetricFilter,
  MetricTransformation as SdkMetricTransformation,
} from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient, paginateListSubscriptionsByTopic } from '@aws-sdk/client-sns';
import type { Subscription as SdkSubscription } from '@aws-sdk/client-sns';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { TimeBudget } from '../budget';
import { isAccountId, parseArn, parseRoleArn, parseTopicArn } from '../arn';
import { isConfirmed } from '../chain';
import type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  CallFailure,
  ClassicEventSelector,
  EventSelectors,
  Fetched,
  MetricAlarm,
  MetricDataQuery,
  MetricDimension,
  MetricFilter,
  MetricTransformation,
  Subscription,
  Trail,
  TrailStatus,
} from '../snapshot';
import { TEST_METRIC_FILTER_MAX_MESSAGES } from '../snapshot';
import { awsClientConfig, compact, type ReaderCredentials, type SharedClientConfig } from './client-config';
import { collectPages, ListingError } from './pages';
import { READER_FAILURE, type AwsReader } from './reader';

export type { ReaderCredentials, SharedClientConfig } from './client-config';

export interface SdkAwsReaderOptions {
  accountId: string;
  /** Partition of the account (`aws`, `aws-cn`, `aws-us-gov`, ...); default `aws`. */
  partition?: string;
  /** Default: the SDK's default provider chain. */
  credentials?: ReaderCredentials;
  /** Region of the STS client used by assumeRole. */
  defaultRegion: string;
  /** Merged into every client's config (a requestHandler, maxAttempts, retryStrategy, ...). */
  clientConfig?: SharedClientConfig;
  /**
   * The evaluation's time. Every call stops when it is spent and fails with TimeBudgetExhausted; a call asked for
   * after that fails so without a request. Without a budget, calls are bounded by the client's timeouts and
   * retries only. The Lambda and the CLI always give one (see forEvaluation).
   */
  budget?: TimeBudget;
}

export interface CreateSdkAwsReaderOptions {
  region: string;
  credentials?: ReaderCredentials;
  clientConfig?: SharedClientConfig;
  /** The evaluation's time, for the GetCallerIdentity call and the reader it gives. */
  budget?: TimeBudget;
}

const ROLE_SESSION_NAME = 'unauthorized-api-calls-monitored';
/** The shortest session STS allows: the reader is used for one evaluation only. */
const ROLE_SESSION_SECONDS = 900;

/**
 * Finds the account (and partition) of the credentials with sts:GetCallerIdentity, for callers that do not know it
 * up front (the CLI), and returns a reader for it.
 */
export async function createSdkAwsReader(options: CreateSdkAwsReaderOptions): Promise<Fetched<SdkAwsReader>> {
  const { region, credentials, clientConfig, budget } = options;
  const sts = new STSClient(awsClientConfig(region, credentials, clientConfig));
  const action = 'sts:GetCallerIdentity';
  const resource = `caller identity in ${region}`;
  const identity = await callAws(action, resource, staticSecrets(credentials), budget, (abort) =>
    sts.send(new GetCallerIdentityCommand({}), abort),
  );
  if (!identity.ok) return identity;
  const arn = parseArn(identity.value.Arn ?? '');
  const accountId = identity.value.Account ?? arn?.accountId;
  if (arn === undefined || accountId === undefined || !isAccountId(accountId)) {
    return failed(action, resource, READER_FAILURE.invalidResponse, 'GetCallerIdentity returned no usable Account/Arn');
  }
  return ok(
    new SdkAwsReader({ accountId, partition: arn.partition, credentials, defaultRegion: region, clientConfig, budget }),
  );
}

export class SdkAwsReader implements AwsReader {
  readonly accountId: string;
  readonly partition: string;
  private readonly options: SdkAwsReaderOptions;
  /** Literal secrets to scrub from error messages (known only for static credentials). */
  private readonly secrets: string[];
  /** Replaced by forEvaluation, so that readers of successive evaluations share clients and their connections. */
  private clients: ServiceClients;

  constructor(options: SdkAwsReaderOptions) {
    this.options = options;
    this.accountId = options.accountId;
    this.partition = options.partition ?? 'aws';
    this.secrets = staticSecrets(options.credentials);
    this.clients = new ServiceClients(options.credentials, options.clientConfig);
  }

  /**
   * A reader for one evaluation with this reader's account, credentials and clients, whose calls end when `budget`
   * is spent. The Lambda keeps one reader per account across invocations and takes one of these per invocation.
   */
  forEvaluation(budget: TimeBudget): SdkAwsReader {
    const reader = new SdkAwsReader({ ...this.options, budget });
    reader.clients = this.clients;
    return reader;
  }

  // ---- CloudTrail ----

  async describeTrails(region: string): Promise<Fetched<Trail[]>> {
    const response = await this.call('cloudtrail:DescribeTrails', `trails in ${region}`, (abort) =>
      this.clients.cloudTrail.get(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), abort),
    );
    // No trailList is no trails: an empty list is a legitimate answer, which JSON protocols may leave out, and no
    // trail is never compliant, so reading it so cannot make silence a compliance.
    return mapFetched(response, (r) => (r.trailList ?? []).map((trail) => toTrail(trail, region)));
  }

  async getTrailStatus(trail: Trail): Promise<Fetched<TrailStatus>> {
    const action = 'cloudtrail:GetTrailStatus';
    // By ARN in the home region: a shadow trail's status is only readable there.
    const response = await this.call(action, trail.arn, (abort) =>
      this.clients.cloudTrail.get(trail.homeRegion).send(new GetTrailStatusCommand({ Name: trail.arn }), abort),
    );
    if (!response.ok) return response;
    // IsLogging is what this call is read for: without it the answer says nothing about logging.
    const { IsLogging: isLogging } = response.value;
    if (isLogging === undefined) return incomplete(action, trail.arn, 'GetTrailStatus returned no IsLogging');
    return ok(toTrailStatus(response.value, isLogging));
  }

  async getEventSelectors(trail: Trail): Promise<Fetched<EventSelectors>> {
    const action = 'cloudtrail:GetEventSelectors';
    const response = await this.call(action, trail.arn, (abort) =>
      this.clients.cloudTrail.get(trail.homeRegion).send(new GetEventSelectorsCommand({ TrailName: trail.arn }), abort),
    );
    if (!response.ok) return response;
    // A trail always has selectors: one created without any gets the default selector (all management events), and
    // AWS returns either EventSelectors or AdvancedEventSelectors (PutEventSelectors reference; ScoutSuite issue
    // #1424 shows a real answer with only the advanced ones). An answer with neither says nothing, and must not be
    // read as the default.
    const { EventSelectors: classic, AdvancedEventSelectors: advanced } = response.value;
    if ((classic ?? []).length === 0 && (advanced ?? []).length === 0) {
      return incomplete(action, trail.arn, 'GetEventSelectors returned neither EventSelectors nor AdvancedEventSelectors');
    }
    return ok(toEventSelectors(response.value));
  }

  // ---- CloudWatch Logs ----

  async describeMetricFilters(logGroupName: string, region: string): Promise<Fetched<MetricFilter[]>> {
    const pages = await this.call('logs:DescribeMetricFilters', `log group ${logGroupName} in ${region}`, (abort) =>
      collectPages(paginateDescribeMetricFilters({ client: this.clients.logs.get(region) }, { logGroupName }, abort), {
        tokenName: 'nextToken',
        nextToken: (page) => page.nextToken,
      }),
    );
    // A page without metricFilters has none: a log group without filters is a legitimate answer, and never compliant.
    return mapFetched(pages, (ps) =>
      ps.flatMap((page) => page.metricFilters ?? []).map((filter) => toMetricFilter(filter, logGroupName)),
    );
  }

  async testMetricFilter(filterPattern: string, messages: string[], region: string): Promise<Fetched<boolean[]>> {
    const action = 'logs:TestMetricFilter';
    const resource = `filter pattern in ${region}`;
    if (messages.length > TEST_METRIC_FILTER_MAX_MESSAGES) {
      return failed(
        action,
        resource,
        'TooManyMessages',
        `${messages.length} messages; TestMetricFilter takes at most ${TEST_METRIC_FILTER_MAX_MESSAGES}`,
      );
    }
    // AWS rejects an empty list, and the answer is known anyway.
    if (messages.length === 0) return ok([]);
    const response = await this.call(action, resource, (abort) =>
      this.clients.logs.get(region).send(new TestMetricFilterCommand({ filterPattern, logEventMessages: messages }), abort),
    );
    if (!response.ok) return response;
    // AWS returns only the matched events ("matches: the matched events", MetricFilterMatchRecord), so fewer matches
    // than messages, or none at all, is a legitimate answer. A match must name one of the messages sent, by its
    // 1-based position: one that does not makes the whole answer unreadable.
    const matches = response.value.matches ?? [];
    const stray = matches.find(({ eventNumber: n }) => n === undefined || !Number.isInteger(n) || n < 1 || n > messages.length);
    if (stray) {
      return failed(
        action,
        resource,
        READER_FAILURE.invalidResponse,
        `TestMetricFilter returned a match with eventNumber ${String(stray.eventNumber)}, not one of the ${messages.length} messages sent`,
      );
    }
    const matched = new Set(matches.map((match) => match.eventNumber));
    return ok(messages.map((_, index) => matched.has(index + 1)));
  }

  // ---- CloudWatch ----

  async describeAlarmsForMetric(namespace: string, metricName: string, region: string): Promise<Fetched<MetricAlarm[]>> {
    const response = await this.call('cloudwatch:DescribeAlarmsForMetric', `metric ${namespace}/${metricName} in ${region}`, (abort) =>
      this.clients.cloudWatch
        .get(region)
        .send(new DescribeAlarmsForMetricCommand({ Namespace: namespace, MetricName: metricName }), abort),
    );
    // No MetricAlarms is no alarm on the metric: legitimate, and never compliant.
    return mapFetched(response, (r) => (r.MetricAlarms ?? []).map((alarm) => toMetricAlarm(alarm, region)));
  }

  async describeMetricMathAlarms(region: string): Promise<Fetched<MetricAlarm[]>> {
    const pages = await this.call('cloudwatch:DescribeAlarms', `alarms in ${region}`, (abort) =>
      collectPages(
        // pageSize 100 (the maximum) keeps the number of calls, and so of throttles, down.
        paginateDescribeAlarms({ client: this.clients.cloudWatch.get(region), pageSize: 100 }, { AlarmTypes: ['MetricAlarm'] }, abort),
        { tokenName: 'NextToken', nextToken: (page) => page.NextToken },
      ),
    );
    // A page without MetricAlarms has none: legitimate, and it can only leave the chain unproven.
    return mapFetched(pages, (ps) =>
      ps
        .flatMap((page) => page.MetricAlarms ?? [])
        .filter((alarm) => (alarm.Metrics ?? []).length > 0)
        .map((alarm) => toMetricAlarm(alarm, region)),
    );
  }

  // ---- SNS ----

  async listSubscriptionsByTopic(topicArn: string): Promise<Fetched<Subscription[]>> {
    const action = 'sns:ListSubscriptionsByTopic';
    const arn = parseTopicArn(topicArn);
    if (arn === undefined) {
      return failed(action, topicArn, 'InvalidArn', 'not an SNS topic ARN (arn:PARTITION:sns:REGION:ACCOUNT:NAME)');
    }
    // A topic's subscriptions are only listed in the topic's own region. One confirmed subscription is all the
    // chain asks, so the listing stops at the first page that has one.
    const pages = await this.call(action, topicArn, (abort) =>
      collectPages(paginateListSubscriptionsByTopic({ client: this.clients.sns.get(arn.region) }, { TopicArn: topicArn }, abort), {
        tokenName: 'NextToken',
        nextToken: (page) => page.NextToken,
        enough: (page) => (page.Subscriptions ?? []).some((subscription) => isConfirmed(toSubscription(subscription))),
      }),
    );
    // A page without Subscriptions has none: a topic without subscriptions is legitimate, and never compliant.
    return mapFetched(pages, (ps) => ps.flatMap((page) => page.Subscriptions ?? []).map(toSubscription));
  }

  // ---- STS ----

  async assumeRole(roleArn: string): Promise<Fetched<SdkAwsReader>> {
    const arn = parseRoleArn(roleArn);
    if (arn !== undefined && arn.partition !== this.partition) {
      return failed('sts:AssumeRole', roleArn, 'InvalidArn', `role is in partition ${arn.partition}, not ${this.partition}`);
    }
    const credentials = await assumeRoleCredentials(this.clients.sts.get(this.options.defaultRegion), roleArn, this.options.budget, this.secrets);
    if (!credentials.ok) return credentials;
    // The role's reader keeps this reader's budget: it reads for the same evaluation.
    return ok(new SdkAwsReader({ ...this.options, accountId: parseRoleArn(roleArn)!.accountId, credentials: credentials.value }));
  }

  /** Runs one SDK call (or listing) within the budget, turning what it throws into a CallFailure. */
  private call<T>(action: string, resource: string, send: (abort: AbortOptions) => Promise<T>): Promise<Fetched<T>> {
    return callAws(action, resource, this.secrets, this.options.budget, send);
  }
}

// ---- Clients ----

/** The clients of one set of credentials: one per service and region, created on first use. */
class ServiceClients {
  readonly cloudTrail: PerRegion<CloudTrailClient>;
  readonly logs: PerRegion<CloudWatchLogsClient>;
  readonly cloudWatch: PerRegion<CloudWatchClient>;
  readonly sns: PerRegion<SNSClient>;
  readonly sts: PerRegion<STSClient>;

  constructor(credentials: ReaderCredentials | undefined, clientConfig: SharedClientConfig | undefined) {
    const config = (region: string) => awsClientConfig(region, credentials, clientConfig);
    this.cloudTrail = new PerRegion((region) => new CloudTrailClient(config(region)));
    this.logs = new PerRegion((region) => new CloudWatchLogsClient(config(region)));
    this.cloudWatch = new PerRegion((region) => new CloudWatchClient(config(region)));
    this.sns = new PerRegion((region) => new SNSClient(config(region)));
    this.sts = new PerRegion((region) => new STSClient(config(region)));
  }
}

/** Clients of one service, created on first use and then reused per region. */
class PerRegion<C> {
  private readonly clients = new Map<string, C>();

  constructor(private readonly create: (region: string) => C) {}

  get(region: string): C {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.create(region);
      this.clients.set(region, client);
    }
    return client;
  }
}

// ---- Errors ----

/** What every SDK call of the reader is sent with: `client.send(command, abort)`. */
interface AbortOptions {
  abortSignal: AbortSignal;
}

/**
 * Awaits `send` within the budget, catching whatever it throws (only the SDK call runs inside: mapping the result
 * happens outside, so that a programming error in the mapping still throws).
 *
 * The budget's signal goes to the SDK, whose retry middleware races its backoff and rate-limiter waits against it
 * and whose HTTP handler destroys a held request on it; the same signal also ends the wait here, so that the call
 * ends when the budget does whatever the handler in use does with the signal.
 */
async function callAws<T>(
  action: string,
  resource: string,
  secrets: readonly string[],
  budget: TimeBudget | undefined,
  send: (abort: AbortOptions) => Promise<T>,
): Promise<Fetched<T>> {
  if (budget?.expired()) {
    return failed(action, resource, READER_FAILURE.timeBudgetExhausted, "the evaluation's time ran out before this call could start");
  }
  // AbortSignal.timeout's timer does not keep the process alive (Node documents it as unref'd).
  const signal = budget ? AbortSignal.timeout(budget.remaining()) : new AbortController().signal;
  const aborted = whenAborted(signal);
  try {
    return ok(await Promise.race([send({ abortSignal: signal }), aborted.promise]));
  } catch (error) {
    if (signal.aborted) {
      return failed(action, resource, READER_FAILURE.timeBudgetExhausted, "the evaluation's time ran out before this call finished");
    }
    return { ok: false, failure: toCallFailure(action, resource, error, secrets) };
  } finally {
    aborted.dispose();
  }
}

/**
 * sts:AssumeRole for one evaluation, the one way the rule assumes a role: the organization rule's member role (the
 * handler) and the organization trail's read role (the reader). Within the budget; the shortest session STS allows.
 */
export async function assumeRoleCredentials(
  sts: STSClient,
  roleArn: string,
  budget: TimeBudget | undefined,
  secrets: readonly string[] = [],
): Promise<Fetched<AwsCredentialIdentity>> {
  const action = 'sts:AssumeRole';
  if (parseRoleArn(roleArn) === undefined) {
    return failed(action, roleArn, 'InvalidArn', 'not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)');
  }
  const response = await callAws(action, roleArn, secrets, budget, (abort) =>
    sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: ROLE_SESSION_SECONDS }), abort),
  );
  if (!response.ok) return response;
  const c = response.value.Credentials;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) return incomplete(action, roleArn, 'AssumeRole returned no Credentials');
  return ok(compact({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }));
}

/** A promise rejected when `signal` aborts, and the way to stop listening once the call is over. */
function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    // The only signal that aborts here is AbortSignal.timeout's, whose reason is a DOMException TimeoutError.
    const onAbort = () => reject(signal.reason as DOMException);
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  // Only ever observed through the race above.
  promise.catch(() => {});
  return { promise, dispose };
}

function toCallFailure(action: string, resource: string, error: unknown, secrets: readonly string[]): CallFailure {
  if (error instanceof ListingError) return { action, resource, code: error.code, message: error.message };
  return { action, resource, code: errorCode(error), message: redactCredentials(errorMessage(error), secrets) };
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  /** Query-protocol services (SNS, STS) carry the AWS error code here; `name` is the SDK's class name. */
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The AWS error code for an error AWS answered (a service exception has `$fault` and an HTTP status);
 * `TimeoutError` when the SDK's connection or request timeout ended the call; `NetworkError` when no answer came
 * back otherwise (connection refused, DNS).
 */
function errorCode(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : undefined;
  const answered = e.$fault !== undefined || typeof e.$metadata?.httpStatusCode === 'number';
  if (answered) return (typeof e.Code === 'string' && e.Code !== '' ? e.Code : undefined) ?? name ?? 'UnknownError';
  // No credentials found is not a network problem; keep its own name. A timeout is named so by the SDK's handler.
  if (name === 'CredentialsProviderError' || name === 'TimeoutError') return name;
  return 'NetworkError';
}

function errorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as SdkErrorShape;
  // Node's AggregateError (all addresses refused) has an empty message but a code.
  for (const candidate of [e.message, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return 'unknown error';
}

/** What to scrub from error messages, and what to put instead. */
const CREDENTIAL_PATTERNS: Array<[RegExp, string]> = [
  // Signature-mismatch messages echo the string to sign: Credential=AKIA.../date/region/service/aws4_request.
  [
    /\b(Credential|Signature|X-Amz-Credential|X-Amz-Signature|X-Amz-Security-Token|SessionToken|SecretAccessKey|AccessKeyId)(\s*[=:]\s*)[^\s,;&"']+/gi,
    '$1$2[REDACTED]',
  ],
  // Access key ids (long-term AKIA, temporary ASIA).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[REDACTED]'],
  // Secret keys and session tokens: long base64 runs mixing digits and both cases.
  [/(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{40,}={0,2}/g, '[REDACTED]'],
];

/** Error messages end up in Config annotations and logs: credentials must never reach them. */
export function redactCredentials(message: string, secrets: readonly string[] = []): string {
  let redacted = message;
  for (const secret of secrets) redacted = redacted.split(secret).join('[REDACTED]');
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) redacted = redacted.replace(pattern, replacement);
  return redacted;
}

/** Literal secrets of static credentials (long enough not to scrub ordinary words). */
function staticSecrets(credentials: ReaderCredentials | undefined): string[] {
  if (credentials === undefined || typeof credentials === 'function') return [];
  return [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken].filter(
    (value): value is string => typeof value === 'string' && value.length >= 8,
  );
}

// ---- Mapping SDK shapes to snapshot types ----

function ok<T>(value: T): Fetched<T> {
  return { ok: true, value };
}

function failed(action: string, resource: string, code: string, message: string): { ok: false; failure: CallFailure } {
  return { ok: false, failure: { action, resource, code, message } };
}

/** An answer that left out what the call is read for: it proves nothing, so it is a failure, not a default. */
function incomplete(action: string, resource: string, message: string): { ok: false; failure: CallFailure } {
  return failed(action, resource, READER_FAILURE.incompleteResponse, message);
}

function mapFetched<T, U>(fetched: Fetched<T>, map: (value: T) => U): Fetched<U> {
  return fetched.ok ? ok(map(fetched.value)) : fetched;
}

function toTrail(trail: SdkTrail, calledRegion: string): Trail {
  const arn = trail.TrailARN ?? '';
  return compact({
    name: trail.Name ?? '',
    arn,
    homeRegion: trail.HomeRegion ?? calledRegion,
    ownerAccountId: parseArn(arn)?.accountId ?? '',
    isMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
    isOrganizationTrail: trail.IsOrganizationTrail ?? false,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
  });
}

function toTrailStatus(status: GetTrailStatusResponse, isLogging: boolean): TrailStatus {
  return compact({
    isLogging,
    latestCloudWatchLogsDeliveryError: status.LatestCloudWatchLogsDeliveryError,
    latestCloudWatchLogsDeliveryTime: status.LatestCloudWatchLogsDeliveryTime?.toISOString(),
  });
}

function toEventSelectors(response: GetEventSelectorsResponse): EventSelectors {
  return compact({
    eventSelectors: response.EventSelectors?.map(toClassicSelector),
    advancedEventSelectors: response.AdvancedEventSelectors?.map(toAdvancedSelector),
  });
}

function toClassicSelector(selector: SdkEventSelector): ClassicEventSelector {
  return compact({
    readWriteType: selector.ReadWriteType,
    includeManagementEvents: selector.IncludeManagementEvents,
    excludeManagementEventSources: selector.ExcludeManagementEventSources,
  });
}

function toAdvancedSelector(selector: SdkAdvancedEventSelector): AdvancedEventSelector {
  return compact({
    name: selector.Name,
    fieldSelectors: (selector.FieldSelectors ?? []).map(toFieldSelector),
  });
}

function toFieldSelector(selector: SdkAdvancedFieldSelector): AdvancedFieldSelector {
  return compact({
    field: selector.Field ?? '',
    equals: selector.Equals,
    startsWith: selector.StartsWith,
    endsWith: selector.EndsWith,
    notEquals: selector.NotEquals,
    notStartsWith: selector.NotStartsWith,
    notEndsWith: selector.NotEndsWith,
  });
}

function toMetricFilter(filter: SdkMetricFilter, requestedLogGroup: string): MetricFilter {
  return {
    filterName: filter.filterName ?? '',
    // AWS omits an empty pattern (which matches every event).
    filterPattern: filter.filterPattern ?? '',
    logGroupName: filter.logGroupName ?? requestedLogGroup,
    metricTransformations: (filter.metricTransformations ?? []).map(toMetricTransformation),
  };
}

function toMetricTransformation(transformation: SdkMetricTransformation): MetricTransformation {
  return compact({
    metricName: transformation.metricName ?? '',
    metricNamespace: transformation.metricNamespace ?? '',
    metricValue: transformation.metricValue ?? '',
    defaultValue: transformation.defaultValue,
    dimensions: transformation.dimensions,
    unit: transformation.unit,
  });
}

function toMetricAlarm(alarm: SdkMetricAlarm, region: string): MetricAlarm {
  return compact({
    alarmName: alarm.AlarmName ?? '',
    alarmArn: alarm.AlarmArn ?? '',
    region,
    // AWS's default when the alarm was created without ActionsEnabled.
    actionsEnabled: alarm.ActionsEnabled ?? true,
    alarmActions: alarm.AlarmActions ?? [],
    metricName: alarm.MetricName,
    namespace: alarm.Namespace,
    statistic: alarm.Statistic,
    extendedStatistic: alarm.ExtendedStatistic,
    dimensions: (alarm.Dimensions ?? []).map(toDimension),
    period: alarm.Period,
    unit: alarm.Unit,
    evaluationPeriods: alarm.EvaluationPeriods ?? 0,
    datapointsToAlarm: alarm.DatapointsToAlarm,
    threshold: alarm.Threshold,
    comparisonOperator: alarm.ComparisonOperator ?? '',
    treatMissingData: alarm.TreatMissingData,
    metrics: alarm.Metrics?.map(toMetricDataQuery),
    thresholdMetricId: alarm.ThresholdMetricId,
  });
}

function toMetricDataQuery(query: SdkMetricDataQuery): MetricDataQuery {
  const stat = query.MetricStat;
  return compact({
    id: query.Id ?? '',
    expression: query.Expression,
    returnData: query.ReturnData,
    metricStat:
      stat === undefined
        ? undefined
        : compact({
            metric: compact({
              namespace: stat.Metric?.Namespace,
              metricName: stat.Metric?.MetricName,
              dimensions: (stat.Metric?.Dimensions ?? []).map(toDimension),
            }),
            period: stat.Period ?? 0,
            stat: stat.Stat ?? '',
            unit: stat.Unit,
          }),
  });
}

function toDimension(dimension: SdkDimension): MetricDimension {
  return { name: dimension.Name ?? '', value: dimension.Value ?? '' };
}

function toSubscription(subscription: SdkSubscription): Subscription {
  return {
    // 'PendingConfirmation' (and 'Deleted') are kept as AWS returns them: the caller judges them.
    subscriptionArn: subscription.SubscriptionArn ?? '',
    protocol: subscription.Protocol ?? '',
    endpoint: subscription.Endpoint ?? '',
  };
}
