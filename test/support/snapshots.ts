/**
 * Builders of account snapshots for decision tests: a compliant account as nested plain data (trail -> status,
 * selectors, filters -> AWS test, alarms -> topics), accessors to break one link of it, and `toSnapshot`, which files
 * it as the reads the decision asks for. So the decision is tested without any mock.
 */
import { witnessRecords } from '../../rule/chain';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { controlById } from '../../rule/controls/catalogue';
import { DEFAULT_CONTROL, NEWEST_CIS_VERSION } from '../../rule/controls/control';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { cisAlarm, cisFilter } from './world';
import { parseLogGroupArn } from '../../rule/arn';
import {
  recordRead,
  type AccountSnapshot,
  type CallFailure,
  type EventSelectors,
  type Fetched,
  type MetricAlarm,
  type MetricFilter,
  type Subscription,
  type Trail,
  type TrailStatus,
} from '../../rule/snapshot';
import type { JsonObject } from '../../rule/pattern/evaluate';

export interface TopicSnapshot {
  topicArn: string;
  subscriptions: Fetched<Subscription[]>;
}

export interface AlarmSnapshot {
  alarm: MetricAlarm;
  topics?: TopicSnapshot[];
}

export interface AwsPatternTest {
  records: JsonObject[];
  matches: boolean[];
}

export interface FilterSnapshot {
  filter: MetricFilter;
  awsTest?: Fetched<AwsPatternTest>;
  alarms?: Fetched<AlarmSnapshot[]>;
  /** Metric-math alarms of the log group's region that use the filter's metric. */
  mathAlarms?: Fetched<AlarmSnapshot[]>;
}

export interface TrailSnapshot {
  trail: Trail;
  /** For a trail owned by another account: the org-trail read role assumed there. */
  ownerAccess?: Fetched<{ roleArn: string }>;
  status?: Fetched<TrailStatus>;
  selectors?: Fetched<EventSelectors>;
  metricFilters?: Fetched<FilterSnapshot[]>;
}

export interface NestedAccountSnapshot {
  accountId: string;
  region: string;
  trails: Fetched<TrailSnapshot[]>;
}

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alerts`;

export const ok = <T>(value: T): Fetched<T> => ({ ok: true, value });
export const failed = (action: string, resource: string, code = 'AccessDeniedException'): Fetched<never> => ({
  ok: false,
  failure: { action, resource, code, message: 'User is not authorized to perform this action' } satisfies CallFailure,
});

/** What AWS's engine answers on the judge's witness records, computed here with the local engine (they agree). */
export function awsTestAgreeing(pattern: string): Fetched<AwsPatternTest> {
  const verdict = judgePattern(pattern);
  const parsed = parseFilterPattern(pattern);
  const records = witnessRecords(verdict, controlById(DEFAULT_CONTROL), NEWEST_CIS_VERSION);
  return ok({ records, matches: records.map((r) => parsed.ok && matchesLogEvent(parsed.pattern, r)) });
}

export function metricFilter(pattern: string = CIS_PATTERNS['cis-2.0'], name = 'unauthorized-api-calls'): MetricFilter {
  return { ...cisFilter({ filterName: name, filterPattern: pattern }), logGroupName: 'aws-cloudtrail-logs' };
}

export function metricAlarm(overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return cisAlarm(ACCOUNT, REGION, TOPIC_ARN, overrides);
}

export function alarmSnapshot(alarm: MetricAlarm = metricAlarm(), confirmed = true): AlarmSnapshot {
  return {
    alarm,
    topics: [
      {
        topicArn: TOPIC_ARN,
        subscriptions: ok([
          {
            subscriptionArn: confirmed ? `${TOPIC_ARN}:0f6a9c2e-1b7d-4e3a-8c5f-2d9b7a6e4c10` : 'PendingConfirmation',
            protocol: 'email',
            endpoint: 'security@example.com',
          },
        ]),
      },
    ],
  };
}

export function filterSnapshot(filter: MetricFilter = metricFilter(), alarms: AlarmSnapshot[] = [alarmSnapshot()]): FilterSnapshot {
  return { filter, awsTest: awsTestAgreeing(filter.filterPattern), alarms: ok(alarms) };
}

export function trailSnapshot(name = 'main', overrides: Partial<TrailSnapshot['trail']> = {}): TrailSnapshot {
  return {
    trail: {
      name,
      arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`,
      homeRegion: REGION,
      ownerAccountId: ACCOUNT,
      isMultiRegionTrail: true,
      isOrganizationTrail: false,
      cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:aws-cloudtrail-logs:*`,
      ...overrides,
    },
    status: ok({ isLogging: true, latestCloudWatchLogsDeliveryTime: '2026-11-27T09:00:00.000Z' }),
    selectors: ok({ eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] }),
    metricFilters: ok([filterSnapshot()]),
  };
}

export function accountSnapshot(...trails: TrailSnapshot[]): NestedAccountSnapshot {
  return { accountId: ACCOUNT, region: REGION, trails: ok(trails.length > 0 ? trails : [trailSnapshot()]) };
}

/** Unwraps a Fetched value that a builder made successful, for mutation in a test. */
export function value<T>(fetched: Fetched<T> | undefined): T {
  if (!fetched?.ok) throw new Error('expected a successful read');
  return fetched.value;
}

/** The first trail, filter and alarm of a snapshot, for breaking one link. */
export function firstTrail(s: NestedAccountSnapshot): TrailSnapshot {
  return value(s.trails)[0]!;
}
export function firstFilter(s: NestedAccountSnapshot): FilterSnapshot {
  return value(firstTrail(s).metricFilters)[0]!;
}
export function firstAlarm(s: NestedAccountSnapshot): AlarmSnapshot {
  return value(firstFilter(s).alarms)[0]!;
}

const mapFetched = <T, U>(f: Fetched<T>, map: (value: T) => U): Fetched<U> => (f.ok ? { ok: true, value: map(f.value) } : f);

/**
 * The nested snapshot as the reads it stands for. Math alarms of a region are those every filter lists; a region
 * where no filter lists any has none. What the nested snapshot leaves out is not read.
 */
export function toSnapshot(nested: NestedAccountSnapshot): AccountSnapshot {
  const snapshot: AccountSnapshot = { accountId: nested.accountId, region: nested.region, reads: {} };
  recordRead(snapshot, { read: 'describeTrails', region: nested.region }, mapFetched(nested.trails, (ts) => ts.map((t) => t.trail)));
  for (const t of nested.trails.ok ? nested.trails.value : []) {
    const { trail } = t;
    const via: { via?: string } = {};
    if (t.ownerAccess) {
      const roleArn = t.ownerAccess.ok ? t.ownerAccess.value.roleArn : t.ownerAccess.failure.resource;
      recordRead(snapshot, { read: 'assumeRole', roleArn }, t.ownerAccess);
      via.via = roleArn;
    }
    if (t.status) recordRead(snapshot, { read: 'getTrailStatus', ...via, trail }, t.status);
    if (t.selectors) recordRead(snapshot, { read: 'getEventSelectors', ...via, trail }, t.selectors);
    const logGroup = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn ?? '');
    if (!logGroup || !t.metricFilters) continue;
    const { region } = logGroup;
    recordRead(snapshot, { read: 'describeMetricFilters', ...via, logGroupName: logGroup.name, region }, mapFetched(t.metricFilters, (fs) => fs.map((f) => f.filter)));
    const math: MetricAlarm[] = [];
    let mathFailure: Fetched<MetricAlarm[]> | undefined;
    for (const f of t.metricFilters.ok ? t.metricFilters.value : []) {
      if (f.awsTest) {
        // A failed test was asked with the witness records the decision sends.
        const records = f.awsTest.ok ? f.awsTest.value.records : witnessRecords(judgePattern(f.filter.filterPattern), controlById(DEFAULT_CONTROL), NEWEST_CIS_VERSION);
        recordRead(snapshot, { read: 'testMetricFilter', ...via, filterPattern: f.filter.filterPattern, records, region }, mapFetched(f.awsTest, (a) => a.matches));
      }
      const m = f.filter.metricTransformations[0];
      const alarms = [...(f.alarms?.ok ? f.alarms.value : []), ...(f.mathAlarms?.ok ? f.mathAlarms.value : [])];
      if (m && f.alarms) {
        recordRead(snapshot, { read: 'describeAlarmsForMetric', ...via, namespace: m.metricNamespace, metricName: m.metricName, region }, mapFetched(f.alarms, (as) => as.map((a) => a.alarm)));
      }
      if (f.mathAlarms?.ok) math.push(...f.mathAlarms.value.map((a) => a.alarm));
      else if (f.mathAlarms) mathFailure = f.mathAlarms;
      for (const topic of alarms.flatMap((a) => a.topics ?? [])) {
        recordRead(snapshot, { read: 'listSubscriptionsByTopic', ...via, topicArn: topic.topicArn }, topic.subscriptions);
      }
    }
    recordRead(snapshot, { read: 'describeMetricMathAlarms', ...via, region }, mathFailure ?? { ok: true, value: math });
  }
  return snapshot;
}
