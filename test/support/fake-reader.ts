/**
 * An AwsReader that serves a World in memory, as one account, with the semantics AWS has where the rule depends on
 * them: regions, shadow trails of organization trails, account boundaries (SNS, STS), and the errors AWS returns.
 * Every call is recorded, with the account that made it, so tests can assert exactly what the rule read.
 *
 * Resource descriptions in calls and failures are those of SdkAwsReader, so a fault injected by resource here
 * names the same thing the production reader would.
 */
import type { AwsReader } from '../../rule/collect/reader';
import { TEST_METRIC_FILTER_MAX_MESSAGES } from '../../rule/snapshot';
import { matchesLogEvent, UnsupportedPatternError, type LogEvent } from '../../rule/pattern/evaluate';
import { parseFilterPattern, formatPatternError } from '../../rule/pattern/parser';
import type {
  EventSelectors,
  Fetched,
  MetricAlarm,
  MetricFilter,
  Subscription,
  Trail,
  TrailStatus,
} from '../../rule/snapshot';
import { trailArn, type AccountState, type TrailState, type World } from './world';

export interface FakeCall {
  /** IAM action, e.g. `cloudtrail:DescribeTrails`. */
  action: string;
  /** What the call was about, as SdkAwsReader describes it (an ARN, `trails in us-east-1`, ...). */
  resource: string;
  /** The account whose credentials made the call. */
  accountId: string;
}

export interface FakeAwsReaderOptions {
  /** Calls that are denied (with the service's own error code): every call of `action`, or only the one on `resource`. */
  deny?: { action: string; resource?: string }[];
  /** Regions where every call fails with UnrecognizedClientException (not opted in, or denied by an SCP). */
  disabledRegions?: string[];
  /** The call log to append to; readers made by assumeRole share their creator's. */
  calls?: FakeCall[];
}

type Failed = { ok: false; failure: { action: string; resource: string; code: string; message: string } };

const ok = <T>(value: T): Fetched<T> => ({ ok: true, value });
const fail = (action: string, resource: string, code: string, message: string): Failed => ({
  ok: false,
  failure: { action, resource, code, message },
});

function splitArn(arn: string): { service: string; region: string; account: string; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

export class FakeAwsReader implements AwsReader {
  readonly accountId: string;
  /** Every call made through this reader and the readers it assumed, in order. */
  readonly calls: FakeCall[];
  private readonly world: World;
  private readonly options: FakeAwsReaderOptions;

  constructor(world: World, accountId: string, options: FakeAwsReaderOptions = {}) {
    if (!world.accounts.some((a) => a.accountId === accountId)) throw new Error(`no account ${accountId} in the world`);
    this.world = world;
    this.accountId = accountId;
    this.options = options;
    this.calls = options.calls ?? [];
  }

  /** The actions called so far, in order. */
  get actions(): string[] {
    return this.calls.map((c) => c.action);
  }

  // ---- CloudTrail ----

  async describeTrails(region: string): Promise<Fetched<Trail[]>> {
    const refused = this.begin('cloudtrail:DescribeTrails', `trails in ${region}`, region);
    if (refused) return refused;
    const seen = this.visibleTrails().filter(({ state }) => state.isMultiRegionTrail || state.homeRegion === region);
    return ok(seen.map(({ owner, state }) => toTrail(owner, state)));
  }

  async getTrailStatus(trail: Trail): Promise<Fetched<TrailStatus>> {
    const action = 'cloudtrail:GetTrailStatus';
    const refused = this.begin(action, trail.arn, trail.homeRegion);
    if (refused) return refused;
    const state = this.trailByArn(trail.arn);
    return state ? ok(structuredClone(state.status)) : this.trailNotFound(action, trail.arn);
  }

  async getEventSelectors(trail: Trail): Promise<Fetched<EventSelectors>> {
    const action = 'cloudtrail:GetEventSelectors';
    const refused = this.begin(action, trail.arn, trail.homeRegion);
    if (refused) return refused;
    const state = this.trailByArn(trail.arn);
    if (!state) return this.trailNotFound(action, trail.arn);
    const selectors: EventSelectors = {};
    if (state.eventSelectors) selectors.eventSelectors = structuredClone(state.eventSelectors);
    if (state.advancedEventSelectors) selectors.advancedEventSelectors = structuredClone(state.advancedEventSelectors);
    return ok(selectors);
  }

  // ---- CloudWatch Logs ----

  async describeMetricFilters(logGroupName: string, region: string): Promise<Fetched<MetricFilter[]>> {
    const action = 'logs:DescribeMetricFilters';
    const resource = `log group ${logGroupName} in ${region}`;
    const refused = this.begin(action, resource, region);
    if (refused) return refused;
    const group = this.account().logGroups.find((g) => g.name === logGroupName && g.region === region);
    if (!group) return fail(action, resource, 'ResourceNotFoundException', 'The specified log group does not exist.');
    return ok(group.metricFilters.map((f) => ({ ...structuredClone(f), logGroupName })));
  }

  async testMetricFilter(filterPattern: string, messages: string[], region: string): Promise<Fetched<boolean[]>> {
    const action = 'logs:TestMetricFilter';
    const resource = `filter pattern in ${region}`;
    const refused = this.begin(action, resource, region);
    if (refused) return refused;
    if (messages.length === 0 || messages.length > TEST_METRIC_FILTER_MAX_MESSAGES) {
      return fail(action, resource, 'InvalidParameterException', `logEventMessages must hold 1 to ${TEST_METRIC_FILTER_MAX_MESSAGES} messages`);
    }
    const parsed = parseFilterPattern(filterPattern);
    if (!parsed.ok) return fail(action, resource, 'InvalidParameterException', `Invalid metric filter pattern: ${formatPatternError(parsed.error)}`);
    try {
      return ok(messages.map((message) => matchesLogEvent(parsed.pattern, asLogEvent(message))));
    } catch (e) {
      if (e instanceof UnsupportedPatternError) return fail(action, resource, 'InvalidParameterException', e.message);
      throw e;
    }
  }

  // ---- CloudWatch ----

  async describeAlarmsForMetric(namespace: string, metricName: string, region: string): Promise<Fetched<MetricAlarm[]>> {
    const refused = this.begin('cloudwatch:DescribeAlarmsForMetric', `metric ${namespace}/${metricName} in ${region}`, region);
    if (refused) return refused;
    const found = this.account().alarms.filter(
      (a) => a.region === region && !a.metrics && a.namespace === namespace && a.metricName === metricName,
    );
    return ok(structuredClone(found));
  }

  async describeMetricMathAlarms(region: string): Promise<Fetched<MetricAlarm[]>> {
    const refused = this.begin('cloudwatch:DescribeAlarms', `alarms in ${region}`, region);
    if (refused) return refused;
    return ok(structuredClone(this.account().alarms.filter((a) => a.region === region && (a.metrics ?? []).length > 0)));
  }

  // ---- SNS ----

  async listSubscriptionsByTopic(topicArn: string): Promise<Fetched<Subscription[]>> {
    const action = 'sns:ListSubscriptionsByTopic';
    const arn = splitArn(topicArn);
    if (!arn || arn.service !== 'sns') return fail(action, topicArn, 'InvalidParameter', 'Invalid parameter: TopicArn');
    const refused = this.begin(action, topicArn, arn.region);
    if (refused) return refused;
    if (arn.account !== this.accountId) {
      return fail(action, topicArn, 'AuthorizationError', `User: arn:aws:iam::${this.accountId}:root is not authorized to perform: SNS:ListSubscriptionsByTopic on resource: ${topicArn}`);
    }
    const topic = this.account().topics.find((t) => t.topicArn === topicArn);
    if (!topic) return fail(action, topicArn, 'NotFound', 'Topic does not exist');
    return ok(structuredClone(topic.subscriptions));
  }

  // ---- STS ----

  async assumeRole(roleArn: string): Promise<Fetched<AwsReader>> {
    const action = 'sts:AssumeRole';
    // STS answers from the global endpoint here: no region to disable.
    const refused = this.begin(action, roleArn, undefined);
    if (refused) return refused;
    const arn = splitArn(roleArn);
    const roleName = arn?.service === 'iam' && arn.resource.startsWith('role/') ? arn.resource.split('/').pop() : undefined;
    const target = arn && this.world.accounts.find((a) => a.accountId === arn.account);
    const role = target?.roles?.find((r) => r.roleName === roleName);
    if (!target || !role || !role.trustedAccountIds.includes(this.accountId)) {
      return fail(action, roleArn, 'AccessDenied', `User: arn:aws:iam::${this.accountId}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    return ok(new FakeAwsReader(this.world, target.accountId, { ...this.options, calls: this.calls }));
  }

  // ---- Internals ----

  /** Records the call; returns the failure when the region is disabled or the call is denied. */
  private begin(action: string, resource: string, region: string | undefined): Failed | undefined {
    this.calls.push({ action, resource, accountId: this.accountId });
    if (region !== undefined && (this.options.disabledRegions ?? []).includes(region)) {
      return fail(action, resource, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const denied = (this.options.deny ?? []).some((d) => d.action === action && (d.resource === undefined || d.resource === resource));
    if (denied) {
      // Each service's own code, as the emulator and AWS answer: SNS AuthorizationError, STS and CloudWatch AccessDenied.
      const code = action.startsWith('sns:') ? 'AuthorizationError' : /^(sts|cloudwatch):/.test(action) ? 'AccessDenied' : 'AccessDeniedException';
      return fail(action, resource, code, `User: arn:aws:iam::${this.accountId}:root is not authorized to perform: ${action} on resource: ${resource} with an explicit deny`);
    }
    return undefined;
  }

  private account(): AccountState {
    return this.world.accounts.find((a) => a.accountId === this.accountId)!;
  }

  /** The account's own trails, and for an organization member the management account's organization trails. */
  private visibleTrails(): { owner: string; state: TrailState }[] {
    const own = this.account().trails.map((state) => ({ owner: this.accountId, state }));
    const org = this.world.organization;
    if (!org || !org.memberAccountIds.includes(this.accountId) || org.managementAccountId === this.accountId) return own;
    const management = this.world.accounts.find((a) => a.accountId === org.managementAccountId);
    const shadows = (management?.trails ?? [])
      .filter((t) => t.isOrganizationTrail)
      .map((state) => ({ owner: org.managementAccountId, state }));
    return [...own, ...shadows];
  }

  private trailByArn(arn: string): TrailState | undefined {
    return this.visibleTrails().find(({ owner, state }) => trailArn(owner, state) === arn)?.state;
  }

  private trailNotFound(action: string, arn: string): Failed {
    return fail(action, arn, 'TrailNotFoundException', `Unknown trail: ${arn} for the user: ${this.accountId}`);
  }
}

function toTrail(owner: string, state: TrailState): Trail {
  return {
    name: state.name,
    arn: trailArn(owner, state),
    homeRegion: state.homeRegion,
    ownerAccountId: owner,
    isMultiRegionTrail: state.isMultiRegionTrail,
    isOrganizationTrail: state.isOrganizationTrail ?? false,
    ...(state.cloudWatchLogsLogGroupArn !== undefined ? { cloudWatchLogsLogGroupArn: state.cloudWatchLogsLogGroupArn } : {}),
  };
}

/** TestMetricFilter takes raw messages; a JSON object message is matched as JSON. */
function asLogEvent(message: string): LogEvent {
  if (message.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(message);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as LogEvent;
    } catch {
      // not JSON: matched as text
    }
  }
  return message;
}
