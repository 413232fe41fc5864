/**
 * The reads the decision asks for (lazily, one at a time) are enough: on random accounts (trails, statuses,
 * selectors, log groups with filters whose patterns are good or broken texts of several controls, alarms, topics,
 * denied calls), deciding on what was read lazily gives the same decision as deciding on everything the account
 * offers read eagerly, for several controls, and lazily never reads anything eager reading does not.
 */
import fc from 'fast-check';
import { FilterJudge, witnessRecords } from '../../rule/chain';
import { AccountReads, decideReading } from '../../rule/collect/account';
import { controlById } from '../../rule/controls/catalogue';
import { NEWEST_CIS_VERSION, type ControlId } from '../../rule/controls/control';
import { decideOrAsk, type ControlEvaluation } from '../../rule/decide';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import { parseLogGroupArn } from '../../rule/arn';
import { readIn, type ClassicEventSelector, type ReadRequest } from '../../rule/snapshot';
import { FakeAwsReader } from '../support/fake-reader';
import { newestCisText } from '../collect/family-world';
import {
  ACCOUNT_ID,
  REGION,
  alarmArn,
  cisAlarm,
  confirmedEmail,
  logGroupArn,
  pendingEmail,
  topicArn,
  type AccountState,
  type World,
} from '../support/world';

const CONTROL_IDS: ControlId[] = ['unauthorized-api-calls', 'root-usage', 'cmk-disable-or-scheduled-deletion', 'console-signin-without-mfa'];
const CONTROLS = CONTROL_IDS.map(controlById);

/** Good texts of each control, their broken published texts, and a few that serve none. */
const PATTERNS = [
  ...CONTROLS.map(newestCisText),
  ...CONTROLS.map(newestCisText),
  ...CONTROLS.flatMap((c) => c.patterns.filter((p) => p.broken !== undefined).map((p) => p.text)),
  '{ $.errorCode = "AccessDenied" }',
  '{ $.eventSource = kms.amazonaws.com }',
  '{ $.eventName = ConsoleLogin ',
  'ERROR',
];
const METRICS = ['M1', 'M2'];
const LOG_GROUPS = ['lg-a', 'lg-b'];
const TOPICS = ['t1', 't2'].map((name) => topicArn(ACCOUNT_ID, REGION, name));
const ACTIONS = [
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'logs:DescribeMetricFilters',
  'logs:TestMetricFilter',
  'cloudwatch:DescribeAlarmsForMetric',
  'cloudwatch:DescribeAlarms',
  'sns:ListSubscriptionsByTopic',
];
const SELECTORS: ClassicEventSelector[][] = [
  [{ readWriteType: 'All', includeManagementEvents: true }],
  [{ readWriteType: 'WriteOnly', includeManagementEvents: true }],
  [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }],
];

/** Mostly true: random accounts should often get far along the chain, where the reads are many. */
const mostly = fc.constantFrom(true, true, true, false);
const trailArb = fc.record({
  isMultiRegionTrail: mostly,
  isLogging: mostly,
  deliveryError: fc.constantFrom(undefined, undefined, undefined, 'AccessDenied'),
  selectors: fc.constantFrom(SELECTORS[0]!, ...SELECTORS),
  logGroup: fc.constantFrom(LOG_GROUPS[0], ...LOG_GROUPS, undefined),
});
const filterArb = fc.record({ pattern: fc.constantFrom(...PATTERNS), metric: fc.constantFrom(...METRICS), transformed: mostly });
const alarmArb = fc.record({
  metric: fc.constantFrom(...METRICS),
  threshold: fc.constantFrom(1, 1, 5),
  actionsEnabled: mostly,
  topics: fc.subarray(TOPICS, { minLength: 1 }),
  math: fc.boolean(),
});
const worldArb = fc.record({
  trails: fc.array(trailArb, { minLength: 1, maxLength: 2 }),
  filters: fc.tuple(fc.array(filterArb, { minLength: 1, maxLength: 5 }), fc.array(filterArb, { maxLength: 3 })),
  alarms: fc.array(alarmArb, { maxLength: 6 }),
  subscriptions: fc.tuple(fc.constantFrom('confirmed', 'pending', 'none'), fc.constantFrom('confirmed', 'confirmed', 'pending', 'none')),
  denied: fc.oneof(fc.constant<string[]>([]), fc.subarray(ACTIONS, { maxLength: 2 })),
  confirm: fc.boolean(),
});
type WorldShape = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function worldOf(shape: WorldShape): World {
  const account: AccountState = {
    accountId: ACCOUNT_ID,
    trails: shape.trails.map((t, i) => ({
      name: `trail-${i}`,
      homeRegion: REGION,
      isMultiRegionTrail: t.isMultiRegionTrail,
      status: { isLogging: t.isLogging, ...(t.deliveryError ? { latestCloudWatchLogsDeliveryError: t.deliveryError } : {}) },
      eventSelectors: t.selectors,
      ...(t.logGroup ? { cloudWatchLogsLogGroupArn: logGroupArn(ACCOUNT_ID, REGION, t.logGroup) } : {}),
    })),
    logGroups: LOG_GROUPS.map((name, g) => ({
      name,
      region: REGION,
      metricFilters: shape.filters[g]!.map((f, i) => ({
        filterName: `${name}-filter-${i}`,
        filterPattern: f.pattern,
        metricTransformations: f.transformed ? [{ metricNamespace: 'CIS', metricName: f.metric, metricValue: '1' }] : [],
      })),
    })),
    alarms: shape.alarms.map((a, i) => {
      const alarmName = `alarm-${i}`;
      const standard = cisAlarm(ACCOUNT_ID, REGION, TOPICS[0]!, {
        alarmName,
        alarmArn: alarmArn(ACCOUNT_ID, REGION, alarmName),
        namespace: 'CIS',
        metricName: a.metric,
        threshold: a.threshold,
        actionsEnabled: a.actionsEnabled,
        alarmActions: a.topics,
      });
      if (!a.math) return standard;
      const { namespace: _n, metricName: _m, statistic: _s, period: _p, ...rest } = standard;
      return { ...rest, metrics: [{ id: 'm1', returnData: true, metricStat: { metric: { namespace: 'CIS', metricName: a.metric, dimensions: [] }, period: 300, stat: 'Sum' } }] };
    }),
    topics: TOPICS.map((arn, i) => {
      const kind = shape.subscriptions[i];
      return { topicArn: arn, subscriptions: kind === 'confirmed' ? [confirmedEmail(arn)] : kind === 'pending' ? [pendingEmail()] : [] };
    }),
  };
  return { accounts: [account] };
}

/** Every read the account offers, for every control: the trail reads, each log group's filters, each filter's witness test and alarms, each topic. */
async function readEverything(reads: AccountReads, world: World, evaluations: ControlEvaluation[], judge: FilterJudge): Promise<void> {
  const read = async (request: ReadRequest): Promise<void> => {
    if (!readIn(reads.snapshot, request)) await reads.perform(request);
  };
  await read({ read: 'describeTrails', region: REGION });
  const trails = readIn(reads.snapshot, { read: 'describeTrails', region: REGION });
  for (const trail of trails?.ok ? trails.value : []) {
    await read({ read: 'getTrailStatus', trail });
    await read({ read: 'getEventSelectors', trail });
    const logGroup = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn ?? '');
    if (!logGroup) continue;
    await read({ read: 'describeMetricFilters', logGroupName: logGroup.name, region: logGroup.region });
  }
  for (const group of world.accounts[0]!.logGroups) {
    for (const filter of group.metricFilters) {
      for (const { control, cisVersion } of evaluations) {
        const verdict = judge.verdict(control, cisVersion, filter.filterPattern);
        if (verdict.valid) await read({ read: 'testMetricFilter', filterPattern: filter.filterPattern, records: witnessRecords(verdict, control, cisVersion), region: REGION });
      }
      const t = filter.metricTransformations[0];
      if (t) await read({ read: 'describeAlarmsForMetric', namespace: t.metricNamespace, metricName: t.metricName, region: REGION });
    }
  }
  await read({ read: 'describeMetricMathAlarms', region: REGION });
  for (const topic of TOPICS) await read({ read: 'listSubscriptionsByTopic', topicArn: topic });
}

describe('deciding on lazy reads equals deciding on eager reads', () => {
  it('for every control, on random accounts; and lazy reads are a subset of eager reads', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (shape) => {
        const world = worldOf(shape);
        const parameters: RuleParameters = { ...DEFAULT_PARAMETERS, confirmWithTestMetricFilter: shape.confirm };
        const evaluations: ControlEvaluation[] = CONTROLS.map((control) => ({ control, cisVersion: NEWEST_CIS_VERSION, parameters }));
        const deny = shape.denied.map((action) => ({ action }));
        const judge = new FilterJudge(parameters);
        const eager = new AccountReads(new FakeAwsReader(world, ACCOUNT_ID, { deny }), { accountId: ACCOUNT_ID, region: REGION });
        await readEverything(eager, world, evaluations, judge);
        for (const evaluation of evaluations) {
          const lazy = new AccountReads(new FakeAwsReader(world, ACCOUNT_ID, { deny }), { accountId: ACCOUNT_ID, region: REGION });
          const lazyDecision = await decideReading(lazy, evaluation, judge);
          const eagerDecision = decideOrAsk(eager.snapshot, evaluation, judge);
          expect(eagerDecision).toEqual({ decision: lazyDecision });
          expect(Object.keys(eager.snapshot.reads)).toEqual(expect.arrayContaining(Object.keys(lazy.snapshot.reads)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
