/**
 * Reads the account along the chain, trail by trail, and only as far as the decision needs: a trail whose link
 * is broken is not read further, alarms are read only for filters the judge accepts, metric-math alarms only when
 * no standard alarm qualifies, and reading stops as soon as one trail holds the whole chain.
 */
import { parseArn, parseLogGroupArn, roleArn as roleArnOf } from '../arn';
import { share, type TimeBudget } from '../budget';
import {
  checkActionsEnabled,
  checkAlarmFires,
  checkTransformation,
  FilterJudge,
  isConfirmed,
  judgeFilter,
  managementEventCoverage,
  pollutingFilter,
  snsTopicsOf,
  witnessRecords,
} from '../chain';
import { assessTrail, trailOrder } from '../decide';
import type { RuleParameters } from '../parameters';
import type {
  AccountSnapshot,
  AlarmSnapshot,
  Fetched,
  FilterSnapshot,
  MetricAlarm,
  MetricFilter,
  TopicSnapshot,
  TrailSnapshot,
} from '../snapshot';
import type { AwsReader } from './reader';

export interface CollectRequest {
  accountId: string;
  region: string;
  parameters: RuleParameters;
  /** The evaluation's time; the Lambda and the CLI always give one, tests and benchmarks may run without. */
  budget?: TimeBudget;
}

/** Metric-math alarms of an account's region (keyed `account/region`), read at most once per evaluation. */
type MathAlarmCache = Map<string, Promise<Fetched<MetricAlarm[]>>>;

function referencesMetric(alarm: MetricAlarm, filter: MetricFilter): boolean {
  const t = filter.metricTransformations[0];
  return (alarm.metrics ?? []).some(
    (q) => q.metricStat?.metric.namespace === t?.metricNamespace && q.metricStat?.metric.metricName === t?.metricName,
  );
}

/** Reads the SNS topics of an alarm until one has a confirmed subscription. */
async function readTopics(reader: AwsReader, alarm: MetricAlarm): Promise<TopicSnapshot[]> {
  const topics: TopicSnapshot[] = [];
  for (const topicArn of snsTopicsOf(alarm)) {
    const subscriptions = await reader.listSubscriptionsByTopic(topicArn);
    topics.push({ topicArn, subscriptions });
    if (subscriptions.ok && subscriptions.value.some(isConfirmed)) break;
  }
  return topics;
}

/** Reads the topics of every alarm that would fire with actions enabled; stops at the first that qualifies. */
async function readAlarmChain(reader: AwsReader, alarms: MetricAlarm[], filter: MetricFilter): Promise<{ snapshots: AlarmSnapshot[]; qualifies: boolean }> {
  const snapshots: AlarmSnapshot[] = [];
  for (const alarm of [...alarms].sort((a, b) => a.alarmName.localeCompare(b.alarmName))) {
    if (!checkAlarmFires(alarm, filter).ok || !checkActionsEnabled(alarm).ok) {
      snapshots.push({ alarm });
      continue;
    }
    const topics = await readTopics(reader, alarm);
    snapshots.push({ alarm, topics });
    if (topics.some((t) => t.subscriptions.ok && t.subscriptions.value.some(isConfirmed))) {
      return { snapshots, qualifies: true };
    }
  }
  return { snapshots, qualifies: false };
}

async function readFilterChain(
  reader: AwsReader,
  filter: MetricFilter,
  region: string,
  mathAlarms: MathAlarmCache,
): Promise<{ snapshot: Omit<FilterSnapshot, 'filter' | 'awsTest'>; qualifies: boolean }> {
  if (!checkTransformation(filter).ok) return { snapshot: {}, qualifies: false };
  const t = filter.metricTransformations[0]!;
  const alarms = await reader.describeAlarmsForMetric(t.metricNamespace, t.metricName, region);
  if (!alarms.ok) return { snapshot: { alarms }, qualifies: false };
  const plain = await readAlarmChain(reader, alarms.value, filter);
  const snapshot: Omit<FilterSnapshot, 'filter' | 'awsTest'> = { alarms: { ok: true, value: plain.snapshots } };
  if (plain.qualifies) return { snapshot, qualifies: true };
  const key = `${reader.accountId}/${region}`;
  if (!mathAlarms.has(key)) mathAlarms.set(key, reader.describeMetricMathAlarms(region));
  const math = await mathAlarms.get(key)!;
  if (!math.ok) return { snapshot: { ...snapshot, mathAlarms: math }, qualifies: false };
  const chain = await readAlarmChain(reader, math.value.filter((a) => referencesMetric(a, filter)), filter);
  return { snapshot: { ...snapshot, mathAlarms: { ok: true, value: chain.snapshots } }, qualifies: chain.qualifies };
}

async function awsTestFor(reader: AwsReader, filter: MetricFilter, region: string, judge: FilterJudge): Promise<FilterSnapshot['awsTest']> {
  if (!judge.parameters.confirmWithTestMetricFilter) return undefined;
  const { verdict } = judgeFilter(judge, filter);
  if (!verdict.valid) return undefined;
  const records = witnessRecords(verdict);
  const matches = await reader.testMetricFilter(filter.filterPattern, records.map((r) => JSON.stringify(r)), region);
  return matches.ok ? { ok: true, value: { records, matches: matches.value } } : matches;
}

/**
 * Reads the metric filters of the trail's log group and follows accepted ones to alarms and topics. Filters the
 * local judge rejects are sent to AWS's engine only when no accepted filter completes the chain, since only then
 * can AWS's answer change the outcome.
 */
async function readLogGroup(reader: AwsReader, snapshot: TrailSnapshot, judge: FilterJudge, budget: TimeBudget | undefined, mathAlarms: MathAlarmCache): Promise<void> {
  const logGroup = parseLogGroupArn(snapshot.trail.cloudWatchLogsLogGroupArn ?? '');
  // The decision reports a log group in another account; reading a same-named group here would be a false join.
  if (!logGroup || logGroup.accountId !== reader.accountId) return;
  const fetched = await reader.describeMetricFilters(logGroup.name, logGroup.region);
  if (!fetched.ok) {
    snapshot.metricFilters = fetched;
    return;
  }
  const filters: FilterSnapshot[] = [...fetched.value].sort((a, b) => a.filterName.localeCompare(b.filterName)).map((filter) => ({ filter }));
  snapshot.metricFilters = { ok: true, value: filters };
  // Each filter is judged within its share of the time left, so that one the judge cannot settle in time (reported
  // as not verified) leaves time for the others, any of which can still complete the chain.
  if (budget) filters.forEach((f, i) => judge.verdict(f.filter.filterPattern, share(budget, filters.length - i + 1)));
  const locallyAccepted = (f: FilterSnapshot): boolean => judgeFilter(judge, f.filter).verdict.accepted;
  const rounds = [filters.filter(locallyAccepted), filters.filter((f) => !locallyAccepted(f))];
  for (const round of rounds) {
    for (const entry of round) {
      entry.awsTest = await awsTestFor(reader, entry.filter, logGroup.region, judge);
      const { verdict } = judgeFilter(judge, entry.filter, entry.awsTest);
      if (!verdict.accepted || (entry.awsTest && !entry.awsTest.ok)) continue;
      if (!pollutingFilter(judge, entry.filter, fetched.value).ok) continue;
      const { snapshot: chain, qualifies } = await readFilterChain(reader, entry.filter, logGroup.region, mathAlarms);
      Object.assign(entry, chain);
      if (qualifies) return;
    }
  }
}

/** Reads one trail as far as its chain holds. */
async function readTrail(reader: AwsReader, snapshot: TrailSnapshot, request: CollectRequest, judge: FilterJudge, mathAlarms: MathAlarmCache): Promise<void> {
  const { trail } = snapshot;
  if (!trail.isMultiRegionTrail) return;
  let owner = reader;
  if (trail.ownerAccountId !== reader.accountId) {
    const roleName = request.parameters.orgTrailReadRoleName;
    if (!roleName) {
      snapshot.ownerAccess = 'not-configured';
      return;
    }
    const roleArn = roleArnOf(parseArn(trail.arn)?.partition ?? 'aws', trail.ownerAccountId, roleName);
    const assumed = await reader.assumeRole(roleArn);
    snapshot.ownerAccess = assumed.ok ? { ok: true, value: { roleArn } } : assumed;
    if (!assumed.ok) return;
    owner = assumed.value;
  }
  snapshot.status = await owner.getTrailStatus(trail);
  if (!snapshot.status.ok || !snapshot.status.value.isLogging) return;
  snapshot.selectors = await owner.getEventSelectors(trail);
  if (!snapshot.selectors.ok || !managementEventCoverage(snapshot.selectors.value).readAndWrite) return;
  if (snapshot.status.value.latestCloudWatchLogsDeliveryError) return;
  await readLogGroup(owner, snapshot, judge, request.budget, mathAlarms);
}

/** `judge` keeps the verdicts reached here for the decision on the same snapshot (see evaluate-account.ts). */
export async function collectAccountSnapshot(
  reader: AwsReader,
  request: CollectRequest,
  judge: FilterJudge = new FilterJudge(request.parameters, request.budget?.expired),
): Promise<AccountSnapshot> {
  const fetched = await reader.describeTrails(request.region);
  if (!fetched.ok) return { accountId: request.accountId, region: request.region, trails: fetched };
  const trails: TrailSnapshot[] = [...fetched.value].sort(trailOrder(request.accountId, request.region)).map((trail) => ({ trail }));
  const mathAlarms: MathAlarmCache = new Map();
  for (const snapshot of trails) {
    await readTrail(reader, snapshot, request, judge, mathAlarms);
    if (assessTrail(snapshot, request.accountId, judge).outcome === 'compliant') break;
  }
  return { accountId: request.accountId, region: request.region, trails: { ok: true, value: trails } };
}
