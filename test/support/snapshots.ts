/**
 * Builders of account snapshots for decision tests: a compliant snapshot, and accessors to break one link of it.
 * Snapshots are plain data, so the decision is tested without any mock.
 */
import { witnessRecords } from '../../rule/chain';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { matchesLogEvent } from '../../rule/pattern/evaluate';
import { judgePattern } from '../../rule/pattern/judge';
import { parseFilterPattern } from '../../rule/pattern/parser';
import { cisAlarm, cisFilter } from './world';
import type {
  AccountSnapshot,
  AlarmSnapshot,
  AwsPatternTest,
  CallFailure,
  Fetched,
  FilterSnapshot,
  MetricAlarm,
  MetricFilter,
  TrailSnapshot,
} from '../../rule/snapshot';

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
  const records = witnessRecords(verdict);
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

export function accountSnapshot(...trails: TrailSnapshot[]): AccountSnapshot {
  return { accountId: ACCOUNT, region: REGION, trails: ok(trails.length > 0 ? trails : [trailSnapshot()]) };
}

/** Unwraps a Fetched value that a builder made successful, for mutation in a test. */
export function value<T>(fetched: Fetched<T> | undefined): T {
  if (!fetched?.ok) throw new Error('expected a successful read');
  return fetched.value;
}

/** The first trail, filter and alarm of a snapshot, for breaking one link. */
export function firstTrail(s: AccountSnapshot): TrailSnapshot {
  return value(s.trails)[0]!;
}
export function firstFilter(s: AccountSnapshot): FilterSnapshot {
  return value(firstTrail(s).metricFilters)[0]!;
}
export function firstAlarm(s: AccountSnapshot): AlarmSnapshot {
  return value(firstFilter(s).alarms)[0]!;
}
