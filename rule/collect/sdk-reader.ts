/**
 * AwsReader over the AWS SDK v3: one lazily created client per (service, region), SDK paginators for every
 * paginated call, the SDK's adaptive retry for throttling, and every SDK error turned into a CallFailure.
 *
 * Endpoints are never set here, so the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` support keeps
 * working (that is how a local AWS emulator is reached).
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type {
  AdvancedEventSelector as SdkAdvancedEventSelector,
  AdvancedFieldSelector as SdkAdvancedFieldSelector,
  CloudTrailClientConfig,
  EventSelector as SdkEventSelector,
  GetEventSelectorsResponse,
  GetTrailStatusResponse,
  Trail as SdkTrail,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsForMetricCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import type {
  CloudWatchClientConfig,
  Dimension as SdkDimension,
  MetricAlarm as SdkMetricAlarm,
  MetricDataQuery as SdkMetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, TestMetricFilterCommand, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import type {
  CloudWatchLogsClientConfig,
  MetricFilter as SdkMetricFilter,
  MetricTransformation as SdkMetricTransformation,
} from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient, paginateListSubscriptionsByTopic } from '@aws-sdk/client-sns';
import type { SNSClientConfig, Subscription as SdkSubscription } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { STSClientConfig } from '@aws-sdk/client-sts';
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
import { TEST_METRIC_FILTER_MAX_MESSAGES, type AwsReader } from './reader';

/** Static credentials or a provider (AwsCredentialIdentity | AwsCredentialIdentityProvider), as every client takes. */
export type ReaderCredentials = NonNullable<STSClientConfig['credentials']>;

type AllClientsConfig = CloudTrailClientConfig &
  CloudWatchLogsClientConfig &
  CloudWatchClientConfig &
  SNSClientConfig &
  STSClientConfig;

/**
 * Client settings shared by every service (region, credentials and endpoint are the reader's business). Picked from
 * the intersection of the clients' configs so that one value is valid for all of them.
 */
export type SharedClientConfig = Partial<
  Pick<
    AllClientsConfig,
    | 'requestHandler'
    | 'maxAttempts'
    | 'retryMode'
    | 'retryStrategy'
    | 'logger'
    | 'useFipsEndpoint'
    | 'useDualstackEndpoint'
    | 'customUserAgent'
  >
>;

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
}

export interface CreateSdkAwsReaderOptions {
  region: string;
  credentials?: ReaderCredentials;
  clientConfig?: SharedClientConfig;
}

const ROLE_SESSION_NAME = 'unauthorized-api-calls-monitored';
/** The shortest session STS allows: the reader is used for one evaluation only. */
const ROLE_SESSION_SECONDS = 900;

/**
 * Finds the account (and partition) of the credentials with sts:GetCallerIdentity, for callers that do not know it
 * up front (the CLI), and returns a reader for it.
 */
export async function createSdkAwsReader(options: CreateSdkAwsReaderOptions): Promise<Fetched<SdkAwsReader>> {
  const { region, credentials, clientConfig } = options;
  const sts = new STSClient(clientConfigFor(region, credentials, clientConfig));
  const action = 'sts:GetCallerIdentity';
  const resource = `caller identity in ${region}`;
  const identity = await callAws(action, resource, staticSecrets(credentials), () =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  if (!identity.ok) return identity;
  const arn = splitArn(identity.value.Arn ?? '');
  const accountId = identity.value.Account ?? arn?.account;
  if (arn === undefined || accountId === undefined || !ACCOUNT_ID.test(accountId)) {
    return failed(action, resource, 'InvalidResponse', 'GetCallerIdentity returned no usable Account/Arn');
  }
  return ok(
    new SdkAwsReader({ accountId, partition: arn.partition, credentials, defaultRegion: region, clientConfig }),
  );
}

export class SdkAwsReader implements AwsReader {
  readonly accountId: string;
  readonly partition: string;
  private readonly options: SdkAwsReaderOptions;
  /** Literal secrets to scrub from error messages (known only for static credentials). */
  private readonly secrets: string[];
  private readonly cloudTrail: PerRegion<CloudTrailClient>;
  private readonly logs: PerRegion<CloudWatchLogsClient>;
  private readonly cloudWatch: PerRegion<CloudWatchClient>;
  private readonly sns: PerRegion<SNSClient>;
  private readonly sts: PerRegion<STSClient>;

  constructor(options: SdkAwsReaderOptions) {
    this.options = options;
    this.accountId = options.accountId;
    this.partition = options.partition ?? 'aws';
    this.secrets = staticSecrets(options.credentials);
    const config = (region: string) => clientConfigFor(region, options.credentials, options.clientConfig);
    this.cloudTrail = new PerRegion((region) => new CloudTrailClient(config(region)));
    this.logs = new PerRegion((region) => new CloudWatchLogsClient(config(region)));
    this.cloudWatch = new PerRegion((region) => new CloudWatchClient(config(region)));
    this.sns = new PerRegion((region) => new SNSClient(config(region)));
    this.sts = new PerRegion((region) => new STSClient(config(region)));
  }

  // ---- CloudTrail ----

  async describeTrails(region: string): Promise<Fetched<Trail[]>> {
    const response = await this.call('cloudtrail:DescribeTrails', `trails in ${region}`, () =>
      this.cloudTrail.get(region).send(new DescribeTrailsCommand({ includeShadowTrails: true })),
    );
    return mapFetched(response, (r) => (r.trailList ?? []).map((trail) => toTrail(trail, region)));
  }

  async getTrailStatus(trail: Trail): Promise<Fetched<TrailStatus>> {
    // By ARN in the home region: a shadow trail's status is only readable there.
    const response = await this.call('cloudtrail:GetTrailStatus', trail.arn, () =>
      this.cloudTrail.get(trail.homeRegion).send(new GetTrailStatusCommand({ Name: trail.arn })),
    );
    return mapFetched(response, toTrailStatus);
  }

  async getEventSelectors(trail: Trail): Promise<Fetched<EventSelectors>> {
    const response = await this.call('cloudtrail:GetEventSelectors', trail.arn, () =>
      this.cloudTrail.get(trail.homeRegion).send(new GetEventSelectorsCommand({ TrailName: trail.arn })),
    );
    return mapFetched(response, toEventSelectors);
  }

  // ---- CloudWatch Logs ----

  async describeMetricFilters(logGroupName: string, region: string): Promise<Fetched<MetricFilter[]>> {
    const pages = await this.call('logs:DescribeMetricFilters', `log group ${logGroupName} in ${region}`, () =>
      collectPages(paginateDescribeMetricFilters({ client: this.logs.get(region) }, { logGroupName })),
    );
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
    const response = await this.call(action, resource, () =>
      this.logs.get(region).send(new TestMetricFilterCommand({ filterPattern, logEventMessages: messages })),
    );
    return mapFetched(response, (r) => {
      // eventNumber is 1-based: the position of the message in logEventMessages.
      const matched = new Set((r.matches ?? []).map((match) => match.eventNumber));
      return messages.map((_, index) => matched.has(index + 1));
    });
  }

  // ---- CloudWatch ----

  async describeAlarmsForMetric(namespace: string, metricName: string, region: string): Promise<Fetched<MetricAlarm[]>> {
    const response = await this.call('cloudwatch:DescribeAlarmsForMetric', `metric ${namespace}/${metricName} in ${region}`, () =>
      this.cloudWatch.get(region).send(new DescribeAlarmsForMetricCommand({ Namespace: namespace, MetricName: metricName })),
    );
    return mapFetched(response, (r) => (r.MetricAlarms ?? []).map((alarm) => toMetricAlarm(alarm, region)));
  }

  async describeMetricMathAlarms(region: string): Promise<Fetched<MetricAlarm[]>> {
    const pages = await this.call('cloudwatch:DescribeAlarms', `alarms in ${region}`, () =>
      collectPages(
        // pageSize 100 (the maximum) keeps the number of calls, and so of throttles, down.
        paginateDescribeAlarms({ client: this.cloudWatch.get(region), pageSize: 100 }, { AlarmTypes: ['MetricAlarm'] }),
      ),
    );
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
    const arn = splitArn(topicArn);
    if (arn === undefined || arn.service !== 'sns' || arn.region === '' || !ACCOUNT_ID.test(arn.account) || arn.resource === '') {
      return failed(action, topicArn, 'InvalidArn', 'not an SNS topic ARN (arn:PARTITION:sns:REGION:ACCOUNT:NAME)');
    }
    // A topic's subscriptions are only listed in the topic's own region.
    const pages = await this.call(action, topicArn, () =>
      collectPages(paginateListSubscriptionsByTopic({ client: this.sns.get(arn.region) }, { TopicArn: topicArn })),
    );
    return mapFetched(pages, (ps) => ps.flatMap((page) => page.Subscriptions ?? []).map(toSubscription));
  }

  // ---- STS ----

  async assumeRole(roleArn: string): Promise<Fetched<SdkAwsReader>> {
    const action = 'sts:AssumeRole';
    const arn = splitArn(roleArn);
    if (
      arn === undefined ||
      arn.service !== 'iam' ||
      arn.region !== '' ||
      !ACCOUNT_ID.test(arn.account) ||
      !/^role\/.+/.test(arn.resource)
    ) {
      return failed(action, roleArn, 'InvalidArn', 'not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)');
    }
    if (arn.partition !== this.partition) {
      return failed(action, roleArn, 'InvalidArn', `role is in partition ${arn.partition}, not ${this.partition}`);
    }
    const response = await this.call(action, roleArn, () =>
      this.sts.get(this.options.defaultRegion).send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: ROLE_SESSION_NAME,
          DurationSeconds: ROLE_SESSION_SECONDS,
        }),
      ),
    );
    if (!response.ok) return response;
    const credentials = response.value.Credentials;
    if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
      return failed(action, roleArn, 'InvalidResponse', 'AssumeRole returned no credentials');
    }
    return ok(
      new SdkAwsReader({
        ...this.options,
        accountId: arn.account,
        credentials: compact({
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretAccessKey,
          sessionToken: credentials.SessionToken,
          expiration: credentials.Expiration,
        }),
      }),
    );
  }

  /** Runs one SDK call (or pagination), turning what it throws into a CallFailure. */
  private call<T>(action: string, resource: string, send: () => Promise<T>): Promise<Fetched<T>> {
    return callAws(action, resource, this.secrets, send);
  }
}

// ---- Clients ----

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

function clientConfigFor(
  region: string,
  credentials: ReaderCredentials | undefined,
  extra: SharedClientConfig | undefined,
): SharedClientConfig & { region: string; credentials?: ReaderCredentials } {
  return {
    region,
    // Absent rather than undefined, so that the SDK falls back to its default provider chain.
    ...(credentials === undefined ? {} : { credentials }),
    // Adaptive mode also rate-limits the client after throttles, which the rule's bursts of reads cause.
    retryMode: 'adaptive',
    maxAttempts: 8,
    // Without timeouts a blackholed endpoint (a VPC Lambda without a route) hangs until the Lambda times out.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    ...compact({ ...extra }),
  };
}

async function collectPages<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

// ---- Errors ----

/**
 * Awaits `send`, catching whatever it throws (only the SDK call runs inside: mapping the result happens outside,
 * so that a programming error in the mapping still throws).
 */
async function callAws<T>(
  action: string,
  resource: string,
  secrets: readonly string[],
  send: () => Promise<T>,
): Promise<Fetched<T>> {
  try {
    return ok(await send());
  } catch (error) {
    return { ok: false, failure: toCallFailure(action, resource, error, secrets) };
  }
}

function toCallFailure(action: string, resource: string, error: unknown, secrets: readonly string[]): CallFailure {
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
 * The AWS error code for an error AWS answered (a service exception has `$fault` and an HTTP status), or
 * `NetworkError` when no answer came back (connection refused, DNS, timeout).
 */
function errorCode(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : undefined;
  const answered = e.$fault !== undefined || typeof e.$metadata?.httpStatusCode === 'number';
  if (answered) return (typeof e.Code === 'string' && e.Code !== '' ? e.Code : undefined) ?? name ?? 'UnknownError';
  // No credentials found is not a network problem; keep its own name.
  if (name === 'CredentialsProviderError') return name;
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

// ---- ARNs ----

const ACCOUNT_ID = /^\d{12}$/;

interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (may itself contain colons). */
  resource: string;
}

function splitArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !/^aws[a-z-]*$/.test(parts[1]!)) return undefined;
  const [, partition, service, region, account, ...resource] = parts as [string, string, string, string, string, ...string[]];
  return { partition, service, region, account, resource: resource.join(':') };
}

// ---- Mapping SDK shapes to snapshot types ----

function ok<T>(value: T): Fetched<T> {
  return { ok: true, value };
}

function failed(action: string, resource: string, code: string, message: string): { ok: false; failure: CallFailure } {
  return { ok: false, failure: { action, resource, code, message } };
}

function mapFetched<T, U>(fetched: Fetched<T>, map: (value: T) => U): Fetched<U> {
  return fetched.ok ? ok(map(fetched.value)) : fetched;
}

/** Drops the keys whose value is undefined, so that fields AWS omitted are absent, not present-but-undefined. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toTrail(trail: SdkTrail, calledRegion: string): Trail {
  const arn = trail.TrailARN ?? '';
  return compact({
    name: trail.Name ?? '',
    arn,
    homeRegion: trail.HomeRegion ?? calledRegion,
    ownerAccountId: splitArn(arn)?.account ?? '',
    isMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
    isOrganizationTrail: trail.IsOrganizationTrail ?? false,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
  });
}

function toTrailStatus(status: GetTrailStatusResponse): TrailStatus {
  return compact({
    isLogging: status.IsLogging ?? false,
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
