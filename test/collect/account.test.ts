/**
 * collectAccountSnapshot + decide, end to end through FakeAwsReader: the decision for an account and exactly which
 * AWS calls it took to reach it.
 */
import { collectAccountSnapshot } from '../../rule/collect/account';
import { CONTROLS, cisTextOf, controlById } from '../../rule/controls/catalogue';
import type { Control } from '../../rule/controls/control';
import { evaluateAccount, evaluateControls } from '../../rule/evaluate-account';
import { decide, MAX_ANNOTATION_LENGTH, type AccountDecision } from '../../rule/decide';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import type { AdvancedEventSelector, MetricAlarm, MetricDataQuery } from '../../rule/snapshot';
import { FakeAwsReader, type FakeAwsReaderOptions, type FakeCall } from '../support/fake-reader';
import { familyWorld, newestCisText } from './family-world';
import {
  ACCOUNT_ID,
  ALARM_NAME,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  METRIC_NAME,
  METRIC_NAMESPACE,
  ORG_READ_ROLE_NAME,
  ORG_TRAIL_NAME,
  REGION,
  accountIn,
  alarmArn,
  chainIn,
  cisAlarm,
  cisFilter,
  compliantWorld,
  organizationWorld,
  pendingEmail,
  roleArn,
  topicArn,
  trail,
  trailArn,
  type AccountState,
  type World,
} from '../support/world';

// ---- Helpers ------------------------------------------------------------------------------------------------------

const COMPLIANT_WORLD = compliantWorld();
const MAIN_ARN = trailArn(ACCOUNT_ID, { name: 'main', homeRegion: REGION });
const TOPIC_ARN = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
const METRIC = `${METRIC_NAMESPACE}/${METRIC_NAME}`;

/** The compliant world, with its one account changed by `mutate`. */
function compliantWith(mutate: (account: AccountState) => void): World {
  const world = structuredClone(COMPLIANT_WORLD);
  mutate(world.accounts[0]!);
  return world;
}

const mainTrail = (a: AccountState) => a.trails.find((t) => t.name === 'main')!;
const cisLogGroup = (a: AccountState) => a.logGroups.find((g) => g.name === LOG_GROUP_NAME)!;
const cisAlarmOf = (a: AccountState) => a.alarms.find((x) => x.alarmName === ALARM_NAME)!;

interface Evaluation extends AccountDecision {
  calls: FakeCall[];
  actions: string[];
}

async function evaluate(
  world: World,
  options: { accountId?: string; region?: string; parameters?: Partial<RuleParameters>; fake?: FakeAwsReaderOptions } = {},
): Promise<Evaluation> {
  const accountId = options.accountId ?? ACCOUNT_ID;
  const region = options.region ?? REGION;
  const parameters: RuleParameters = { ...DEFAULT_PARAMETERS, ...options.parameters };
  const reader = new FakeAwsReader(world, accountId, options.fake);
  const snapshot = await collectAccountSnapshot(reader, { accountId, region, parameters });
  const decision = decide(snapshot, parameters);
  // Config refuses the whole PutEvaluations call for one over-long annotation.
  expect(decision.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  return { ...decision, calls: reader.calls, actions: reader.actions };
}

const withoutCaller = (calls: FakeCall[]) => calls.map(({ action, resource }) => ({ action, resource }));
const count = (e: Evaluation, action: string) => e.actions.filter((a) => a === action).length;

const COMPLIANT_CALLS = [
  { action: 'cloudtrail:DescribeTrails', resource: `trails in ${REGION}` },
  { action: 'cloudtrail:GetTrailStatus', resource: MAIN_ARN },
  { action: 'cloudtrail:GetEventSelectors', resource: MAIN_ARN },
  { action: 'logs:DescribeMetricFilters', resource: `log group ${LOG_GROUP_NAME} in ${REGION}` },
  { action: 'logs:TestMetricFilter', resource: `filter pattern in ${REGION}` },
  { action: 'cloudwatch:DescribeAlarmsForMetric', resource: `metric ${METRIC} in ${REGION}` },
  { action: 'sns:ListSubscriptionsByTopic', resource: TOPIC_ARN },
];
const ACTIONS_UP_TO_ALARMS = COMPLIANT_CALLS.slice(0, 6).map((c) => c.action);

function mathAlarm(metrics: MetricDataQuery[]): MetricAlarm {
  const alarmName = 'unauthorized-api-calls-math';
  return {
    alarmName,
    alarmArn: alarmArn(ACCOUNT_ID, REGION, alarmName),
    region: REGION,
    actionsEnabled: true,
    alarmActions: [TOPIC_ARN],
    dimensions: [],
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    metrics,
  };
}

const m1 = (returnData: boolean): MetricDataQuery => ({
  id: 'm1',
  returnData,
  metricStat: { metric: { namespace: METRIC_NAMESPACE, metricName: METRIC_NAME, dimensions: [] }, period: 300, stat: 'Sum' },
});

// ---- The compliant account ----------------------------------------------------------------------------------------

describe('a compliant account', () => {
  it('is COMPLIANT after exactly the 7 reads of its chain', async () => {
    const e = await evaluate(compliantWorld());
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toBe(
      "Trail main (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts (1 confirmed subscription)",
    );
    expect(withoutCaller(e.calls)).toEqual(COMPLIANT_CALLS);
    expect(e.actions).not.toContain('cloudwatch:DescribeAlarms');
  });

  it('skips logs:TestMetricFilter when ConfirmWithTestMetricFilter is false (6 calls)', async () => {
    const e = await evaluate(compliantWorld(), { parameters: { confirmWithTestMetricFilter: false } });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(withoutCaller(e.calls)).toEqual(COMPLIANT_CALLS.filter((c) => c.action !== 'logs:TestMetricFilter'));
  });

  it('makes the same 7 calls among 10,000 unrelated alarms and 50 unrelated log groups', async () => {
    const world = compliantWith((a) => {
      for (let i = 0; i < 10_000; i++) {
        a.alarms.push(cisAlarm(ACCOUNT_ID, REGION, TOPIC_ARN, { alarmName: `other-${i}`, metricName: `OtherMetric${i % 100}` }));
      }
      for (let i = 0; i < 50; i++) {
        a.logGroups.push({ name: `/aws/lambda/fn-${i}`, region: REGION, metricFilters: [cisFilter({ filterName: `errors-${i}` })] });
      }
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('COMPLIANT');
    expect(withoutCaller(e.calls)).toEqual(COMPLIANT_CALLS);
  });

  it('stops reading after the first compliant trail', async () => {
    const world = compliantWith((a) => {
      a.trails.push(trail({ name: 'zz-broken', status: { isLogging: false } }));
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toMatch(/^Trail main /);
    expect(withoutCaller(e.calls)).toEqual(COMPLIANT_CALLS);
    expect(e.calls.some((c) => c.resource.includes('zz-broken'))).toBe(false);
  });
});

// ---- Trail links --------------------------------------------------------------------------------------------------

describe('trail links', () => {
  it('a single-region trail only: NON_COMPLIANT, nothing read beyond DescribeTrails', async () => {
    const e = await evaluate(compliantWith((a) => (mainTrail(a).isMultiRegionTrail = false)));
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain('single-region');
    expect(e.actions).toEqual(['cloudtrail:DescribeTrails']);
  });

  it('a single-region trail of another region does not cover the evaluated region', async () => {
    const world = compliantWith((a) => Object.assign(mainTrail(a), { isMultiRegionTrail: false, homeRegion: 'eu-west-1' }));
    const e = await evaluate(world);
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain('No CloudTrail trail covers us-east-1');
  });

  it('a trail that is not logging: no GetEventSelectors, and the fix is start-logging', async () => {
    const e = await evaluate(compliantWith((a) => (mainTrail(a).status = { isLogging: false })));
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain(`aws cloudtrail start-logging --name ${MAIN_ARN}`);
    expect(e.actions).toEqual(['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus']);
  });

  const management: AdvancedEventSelector['fieldSelectors'][number] = { field: 'eventCategory', equals: ['Management'] };
  it.each<{ selector: string; advancedEventSelectors: AdvancedEventSelector[]; expected: string }>([
    {
      selector: 'a Management selector without readOnly',
      advancedEventSelectors: [{ name: 'Management events', fieldSelectors: [management] }],
      expected: 'COMPLIANT',
    },
    {
      selector: 'a Management selector with readOnly = true only',
      advancedEventSelectors: [{ name: 'Read-only management events', fieldSelectors: [management, { field: 'readOnly', equals: ['true'] }] }],
      expected: 'NON_COMPLIANT',
    },
  ])('advanced selectors, $selector: $expected', async ({ advancedEventSelectors, expected }) => {
    const world = compliantWith((a) => {
      const t = mainTrail(a);
      delete t.eventSelectors;
      t.advancedEventSelectors = advancedEventSelectors;
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe(expected);
    if (expected === 'NON_COMPLIANT') {
      expect(e.annotation).toContain('only read-only or only write management events');
      expect(e.actions).not.toContain('logs:DescribeMetricFilters');
    }
  });

  it('excluding kms.amazonaws.com management events is COMPLIANT, and the annotation says so', async () => {
    const world = compliantWith((a) => {
      mainTrail(a).eventSelectors = [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }];
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toContain('kms.amazonaws.com');
  });
});

// ---- Filter and alarm links ---------------------------------------------------------------------------------------

describe('filter and alarm links', () => {
  it('a filter with the all-|| CIS v1.3 text is rejected, and its alarms are not read', async () => {
    const world = compliantWith((a) => {
      cisLogGroup(a).metricFilters = [cisFilter({ filterName: 'x', filterPattern: CIS_PATTERNS['cis-1.3'] })];
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain("filter 'x' also matches successful calls (DescribeInstances, no errorCode)");
    expect(e.actions).not.toContain('cloudwatch:DescribeAlarmsForMetric');
    expect(e.actions).not.toContain('cloudwatch:DescribeAlarms');
  });

  it('two CIS filters without a metric transformation: NON_COMPLIANT naming the missing transformation, no crash', async () => {
    const world = compliantWith((a) => {
      cisLogGroup(a).metricFilters = ['a', 'b'].map((filterName) => cisFilter({ filterName, metricTransformations: [] }));
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain("filter 'a' has no metric transformation");
  });

  it.each<[string, (a: AccountState) => void]>([
    ['there is no alarm at all', (a) => (a.alarms = [])],
    ['the alarm is in another region than the log group', (a) => Object.assign(cisAlarmOf(a), { region: 'us-west-2', alarmArn: alarmArn(ACCOUNT_ID, 'us-west-2', ALARM_NAME) })],
    ['the alarm watches a same-named metric in another namespace', (a) => (cisAlarmOf(a).namespace = 'LogMetrics')],
  ])('no alarm is found when %s', async (_, mutate) => {
    const e = await evaluate(compliantWith(mutate));
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain(`no alarm on metric ${METRIC} of filter 'unauthorized-api-calls' in us-east-1`);
    expect(e.actions).toEqual([...ACTIONS_UP_TO_ALARMS, 'cloudwatch:DescribeAlarms']);
  });

  it('reads the metric-math alarms of a region once, however many filters lack an alarm', async () => {
    const world = compliantWith((a) => {
      a.alarms = [];
      cisLogGroup(a).metricFilters.push(
        cisFilter({
          filterName: 'unauthorized-api-calls-v12',
          filterPattern: CIS_PATTERNS['cis-1.2'],
          metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: 'UnauthorizedAPICallsV12', metricValue: '1' }],
        }),
      );
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(count(e, 'cloudwatch:DescribeAlarmsForMetric')).toBe(2);
    expect(count(e, 'cloudwatch:DescribeAlarms')).toBe(1);
  });

  it.each<[string, MetricDataQuery[]]>([
    ["returnData on the expression 'FILL(m1, 0)'", [m1(false), { id: 'e1', expression: 'FILL(m1, 0)', returnData: true }]],
    ['returnData on m1', [m1(true)]],
  ])('a metric-math alarm with %s qualifies, read only because no standard alarm did', async (_, metrics) => {
    const world = compliantWith((a) => (a.alarms = [mathAlarm(metrics)]));
    const e = await evaluate(world);
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toContain("alarm 'unauthorized-api-calls-math'");
    expect(e.actions).toEqual([...ACTIONS_UP_TO_ALARMS, 'cloudwatch:DescribeAlarms', 'sns:ListSubscriptionsByTopic']);
  });

  it('does not read metric-math alarms when a standard alarm qualifies', async () => {
    const e = await evaluate(compliantWith((a) => a.alarms.push(mathAlarm([m1(true)]))));
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toContain(`alarm '${ALARM_NAME}'`);
    expect(e.actions).not.toContain('cloudwatch:DescribeAlarms');
  });

  it('no standard alarm and cloudwatch:DescribeAlarms denied: NON_COMPLIANT naming it', async () => {
    const e = await evaluate(compliantWith((a) => (a.alarms = [])), { fake: { deny: [{ action: 'cloudwatch:DescribeAlarms' }] } });
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain(`cloudwatch:DescribeAlarms on alarms in ${REGION} failed (AccessDenied)`);
  });

  it('a topic whose only subscription is pending confirmation: NON_COMPLIANT', async () => {
    const e = await evaluate(compliantWith((a) => (a.topics[0]!.subscriptions = [pendingEmail()])));
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain('topic security-alerts of alarm');
    expect(e.annotation).toContain('only 1 subscription pending confirmation');
  });
});

// ---- Organization trails ------------------------------------------------------------------------------------------

describe('an organization member whose only trail is the organization trail', () => {
  const ORG_TRAIL_ARN = trailArn(MANAGEMENT_ACCOUNT_ID, { name: ORG_TRAIL_NAME, homeRegion: REGION });
  const ROLE_ARN = roleArn(MANAGEMENT_ACCOUNT_ID, ORG_READ_ROLE_NAME);

  it('is NOT_APPLICABLE without OrgTrailReadRoleName, naming the trail and its owner', async () => {
    const e = await evaluate(organizationWorld());
    expect(e.complianceType).toBe('NOT_APPLICABLE');
    expect(e.annotation).toContain(`Trail ${ORG_TRAIL_NAME} (us-east-1)`);
    expect(e.annotation).toContain(`owned by account ${MANAGEMENT_ACCOUNT_ID}`);
    expect(e.actions).toEqual(['cloudtrail:DescribeTrails']);
  });

  it('with OrgTrailReadRoleName: assumes the role and reads the chain as the management account', async () => {
    const e = await evaluate(organizationWorld(), { parameters: { orgTrailReadRoleName: ORG_READ_ROLE_NAME } });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toContain(`Trail ${ORG_TRAIL_NAME} (us-east-1): filter`);
    const mgmtTopic = topicArn(MANAGEMENT_ACCOUNT_ID, REGION, 'security-alerts');
    expect(e.calls).toEqual([
      { action: 'cloudtrail:DescribeTrails', resource: `trails in ${REGION}`, accountId: ACCOUNT_ID },
      { action: 'sts:AssumeRole', resource: ROLE_ARN, accountId: ACCOUNT_ID },
      { action: 'cloudtrail:GetTrailStatus', resource: ORG_TRAIL_ARN, accountId: MANAGEMENT_ACCOUNT_ID },
      { action: 'cloudtrail:GetEventSelectors', resource: ORG_TRAIL_ARN, accountId: MANAGEMENT_ACCOUNT_ID },
      { action: 'logs:DescribeMetricFilters', resource: `log group aws-controltower/CloudTrailLogs in ${REGION}`, accountId: MANAGEMENT_ACCOUNT_ID },
      { action: 'logs:TestMetricFilter', resource: `filter pattern in ${REGION}`, accountId: MANAGEMENT_ACCOUNT_ID },
      { action: 'cloudwatch:DescribeAlarmsForMetric', resource: `metric ${METRIC} in ${REGION}`, accountId: MANAGEMENT_ACCOUNT_ID },
      { action: 'sns:ListSubscriptionsByTopic', resource: mgmtTopic, accountId: MANAGEMENT_ACCOUNT_ID },
    ]);
  });

  it('is NON_COMPLIANT naming sts:AssumeRole when the role does not trust the member', async () => {
    const world = organizationWorld();
    accountIn(world, MANAGEMENT_ACCOUNT_ID).roles = [{ roleName: ORG_READ_ROLE_NAME, trustedAccountIds: ['444455556666'] }];
    const e = await evaluate(world, { parameters: { orgTrailReadRoleName: ORG_READ_ROLE_NAME } });
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain(`sts:AssumeRole on ${ROLE_ARN} failed (AccessDenied)`);
    expect(e.actions).toEqual(['cloudtrail:DescribeTrails', 'sts:AssumeRole']);
  });

  /**
   * BUG (rule/collect/account.ts): the metric-math alarm cache is keyed by region only, but the reads are made by
   * two accounts. The member's own trail reads the member's math alarms in us-east-1; the org trail, read as the
   * management account, then gets the member's cached (empty) list instead of the management account's.
   */
  it("reads the management account's metric-math alarms, not the member's cached ones", async () => {
    const world = organizationWorld();
    const member = accountIn(world, ACCOUNT_ID);
    const own = chainIn(ACCOUNT_ID, REGION, { trail: 'main', logGroup: LOG_GROUP_NAME, filter: 'unauthorized-api-calls', alarm: ALARM_NAME, topic: 'security-alerts' });
    Object.assign(member, { ...own, alarms: [] });
    const management = accountIn(world, MANAGEMENT_ACCOUNT_ID);
    management.alarms = [{ ...mathAlarm([m1(true)]), alarmArn: alarmArn(MANAGEMENT_ACCOUNT_ID, REGION, 'unauthorized-api-calls-math'), alarmActions: [topicArn(MANAGEMENT_ACCOUNT_ID, REGION, 'security-alerts')] }];
    const e = await evaluate(world, { parameters: { orgTrailReadRoleName: ORG_READ_ROLE_NAME } });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.calls).toContainEqual({ action: 'cloudwatch:DescribeAlarms', resource: `alarms in ${REGION}`, accountId: MANAGEMENT_ACCOUNT_ID });
    expect(e.annotation).toContain(`Trail ${ORG_TRAIL_NAME} (us-east-1): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-math'`);
  });

  it('the management account itself is judged on its organization trail directly', async () => {
    const e = await evaluate(organizationWorld(), { accountId: MANAGEMENT_ACCOUNT_ID });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.actions).not.toContain('sts:AssumeRole');
  });
});

// ---- Failed calls -------------------------------------------------------------------------------------------------

describe('failed calls are never COMPLIANT and are named', () => {
  it.each([
    ['cloudtrail:DescribeTrails', 'AccessDeniedException'],
    ['cloudtrail:GetTrailStatus', 'AccessDeniedException'],
    ['cloudtrail:GetEventSelectors', 'AccessDeniedException'],
    ['logs:DescribeMetricFilters', 'AccessDeniedException'],
    ['logs:TestMetricFilter', 'AccessDeniedException'],
    ['cloudwatch:DescribeAlarmsForMetric', 'AccessDenied'],
    ['sns:ListSubscriptionsByTopic', 'AuthorizationError'],
  ])('%s denied: NON_COMPLIANT naming it', async (action, code) => {
    const e = await evaluate(compliantWorld(), { fake: { deny: [{ action }] } });
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toMatch(new RegExp(`could not verify: ${action} on .* failed \\(${code}\\)`, 'i'));
    expect(e.actions).toContain(action);
  });

  /**
   * Two chains: 'west' (home us-west-2, all of it in us-west-2) and 'main' (us-east-1). Evaluated in us-west-2,
   * 'west' is read first; denying one of its reads must leave 'main' to make the account compliant.
   */
  const twoTrails = (): World =>
    compliantWith((a) => {
      const west = chainIn(ACCOUNT_ID, 'us-west-2', { trail: 'west', logGroup: 'west-trail-logs', filter: 'west-filter', alarm: 'west-alarm', topic: 'west-alerts' });
      a.trails.push(...west.trails);
      a.logGroups.push(...west.logGroups);
      a.alarms.push(...west.alarms);
      a.topics.push(...west.topics);
    });
  const WEST_ARN = trailArn(ACCOUNT_ID, { name: 'west', homeRegion: 'us-west-2' });

  it('the two-trail world is compliant through its first trail, west', async () => {
    const e = await evaluate(twoTrails(), { region: 'us-west-2' });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toMatch(/^Trail west \(us-west-2\)/);
  });

  it.each([
    ['cloudtrail:GetTrailStatus', WEST_ARN],
    ['cloudtrail:GetEventSelectors', WEST_ARN],
    ['logs:DescribeMetricFilters', 'log group west-trail-logs in us-west-2'],
    ['logs:TestMetricFilter', 'filter pattern in us-west-2'],
    ['cloudwatch:DescribeAlarmsForMetric', `metric ${METRIC} in us-west-2`],
    ['sns:ListSubscriptionsByTopic', topicArn(ACCOUNT_ID, 'us-west-2', 'west-alerts')],
  ])("%s denied on the first trail's %s: the second trail still makes the account COMPLIANT", async (action, resource) => {
    const e = await evaluate(twoTrails(), { region: 'us-west-2', fake: { deny: [{ action, resource }] } });
    expect(e.calls).toContainEqual({ action, resource, accountId: ACCOUNT_ID });
    expect(e.complianceType).toBe('COMPLIANT');
    expect(e.annotation).toMatch(/^Trail main \(us-east-1\)/);
  });

  it('the region holding the trail, its log group and alarm is disabled: NON_COMPLIANT naming the action', async () => {
    const world = compliantWith((a) => {
      Object.assign(a, chainIn(ACCOUNT_ID, 'ap-east-1', { trail: 'main', logGroup: LOG_GROUP_NAME, filter: 'f', alarm: ALARM_NAME, topic: 'security-alerts' }));
    });
    const e = await evaluate(world, { fake: { disabledRegions: ['ap-east-1'] } });
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toContain(
      `cloudtrail:GetTrailStatus on ${trailArn(ACCOUNT_ID, { name: 'main', homeRegion: 'ap-east-1' })} failed (UnrecognizedClientException)`,
    );
  });

  it('the evaluated region itself disabled: DescribeTrails is named', async () => {
    const e = await evaluate(compliantWorld(), { fake: { disabledRegions: [REGION] } });
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation).toBe('Could not verify: cloudtrail:DescribeTrails on trails in us-east-1 failed (UnrecognizedClientException)');
  });
});

// ---- Annotation length --------------------------------------------------------------------------------------------

describe('annotations', () => {
  it('stay within 256 characters with long names and notes', async () => {
    const long = 'a'.repeat(120);
    const world = compliantWith((a) => {
      const t = mainTrail(a);
      t.name = `main-${long}`;
      t.eventSelectors = [{ readWriteType: 'All', excludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }];
      cisLogGroup(a).metricFilters = [cisFilter({ filterName: `filter-${long}` })];
      a.topics[0]!.subscriptions = [pendingEmail()];
    });
    const e = await evaluate(world);
    expect(e.complianceType).toBe('NON_COMPLIANT');
    expect(e.annotation.length).toBeLessThanOrEqual(256);
  });
});

// ---- Every control from one set of reads -------------------------------------------------------------------------

describe('several controls from one set of reads (evaluateControls)', () => {
  const parameters: RuleParameters = DEFAULT_PARAMETERS;
  const request = { accountId: ACCOUNT_ID, region: REGION, parameters };
  const alone = async (world: World, control: Control): Promise<AccountDecision> =>
    evaluateAccount(new FakeAwsReader(world, ACCOUNT_ID), { ...request, parameters: { ...parameters, control: control.id } });

  it('gives each control the decision evaluateAccount gives it alone, in order', async () => {
    for (const world of [familyWorld(), compliantWorld(), compliantWith((a) => (a.topics[0]!.subscriptions = [pendingEmail()]))]) {
      const together = await evaluateControls(new FakeAwsReader(world, ACCOUNT_ID), request, CONTROLS);
      const separately = [];
      for (const control of CONTROLS) separately.push(await alone(world, control));
      expect(together).toEqual(separately);
    }
  });

  it('reads the shared trail, log group and topic once for all fifteen controls: at most 4 + 2 per control + 1 calls', async () => {
    const reader = new FakeAwsReader(familyWorld(), ACCOUNT_ID);
    const decisions = await evaluateControls(reader, request, CONTROLS);
    expect(decisions.map((d) => d.complianceType)).toEqual(CONTROLS.map(() => 'COMPLIANT'));
    expect(reader.calls.length).toBeLessThanOrEqual(4 + 2 * CONTROLS.length + 1);
    const once = ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'logs:DescribeMetricFilters', 'sns:ListSubscriptionsByTopic'];
    for (const action of once) expect(count({ ...decisions[0]!, calls: reader.calls, actions: reader.actions }, action)).toBe(1);
  });

  it('a trail excluding kms.amazonaws.com management events cannot serve CMK deletion, and still serves unauthorized calls', async () => {
    const world = compliantWith((a) => {
      mainTrail(a).eventSelectors = [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }];
    });
    const [unauthorized, cmk] = await evaluateControls(new FakeAwsReader(world, ACCOUNT_ID), request, [
      controlById('unauthorized-api-calls'),
      controlById('cmk-disable-or-scheduled-deletion'),
    ]);
    expect(unauthorized!.complianceType).toBe('COMPLIANT');
    expect(unauthorized!.annotation).toContain('trail excludes kms.amazonaws.com management events');
    expect(cmk).toEqual({
      complianceType: 'NON_COMPLIANT',
      annotation: `Trail main (us-east-1): excludes kms.amazonaws.com management events, so it cannot see ${controlById('cmk-disable-or-scheduled-deletion').policy.floorNoun}; stop excluding them`,
    });
  });

  it('an advanced selector excluding kms* event sources blinds CMK deletion too', async () => {
    const world = compliantWith((a) => {
      const t = mainTrail(a);
      delete t.eventSelectors;
      t.advancedEventSelectors = [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'eventSource', notStartsWith: ['kms'] }] }];
    });
    const [cmk] = await evaluateControls(new FakeAwsReader(world, ACCOUNT_ID), request, [controlById('cmk-disable-or-scheduled-deletion')]);
    expect(cmk!.annotation).toContain('excludes kms* management events');
  });

  it("takes AWS's TestMetricFilter answers by the control's own floor: a root-usage filter AWS does not match misses root usage", async () => {
    /** AWS's engine matching none of the records: disagreeing with the local engine on every record it matches. */
    class MatchingNothing extends FakeAwsReader {
      override async testMetricFilter(filterPattern: string, messages: string[], region: string): ReturnType<FakeAwsReader['testMetricFilter']> {
        const answer = await super.testMetricFilter(filterPattern, messages, region);
        return answer.ok ? { ok: true, value: answer.value.map(() => false) } : answer;
      }
    }
    const root = controlById('root-usage');
    const decisions = await evaluateControls(new MatchingNothing(familyWorld([root]), ACCOUNT_ID), request, [root]);
    expect(decisions[0]!.complianceType).toBe('NON_COMPLIANT');
    expect(decisions[0]!.annotation).toMatch(new RegExp(`^Trail main \\(us-east-1\\): filter 'root-usage' misses ${root.policy.floorNoun} according to AWS TestMetricFilter \\(`));
  });

  it("asks AWS's engine about the control's own events: a CMK filter is tested on DisableKey and ScheduleKeyDeletion records", async () => {
    const sent: string[] = [];
    class Recording extends FakeAwsReader {
      override async testMetricFilter(filterPattern: string, messages: string[], region: string): ReturnType<FakeAwsReader['testMetricFilter']> {
        sent.push(...messages);
        return super.testMetricFilter(filterPattern, messages, region);
      }
    }
    const cmk = controlById('cmk-disable-or-scheduled-deletion');
    const [decision] = await evaluateControls(new Recording(familyWorld([cmk]), ACCOUNT_ID), request, [cmk]);
    expect(decision!.complianceType).toBe('COMPLIANT');
    const names = sent.map((m) => (JSON.parse(m) as { eventSource?: string; eventName?: string })).map((r) => `${r.eventSource} ${r.eventName}`);
    expect(names).toEqual(expect.arrayContaining(['kms.amazonaws.com DisableKey', 'kms.amazonaws.com ScheduleKeyDeletion', 'kms.amazonaws.com Decrypt']));
  });

  it("a sibling filter feeding the same metric and matching the control's ceiling is named", async () => {
    const root = controlById('root-usage');
    const world = familyWorld([root]);
    const { metricNamespace, metric } = root.names;
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(
      cisFilter({
        filterName: 'root-or-launches',
        filterPattern: '{ $.userIdentity.type = "Root" || $.eventName = "RunInstances" }',
        metricTransformations: [{ metricNamespace, metricName: metric, metricValue: '1' }],
      }),
    );
    const [decision] = await evaluateControls(new FakeAwsReader(world, ACCOUNT_ID), request, [root]);
    expect(decision).toEqual({
      complianceType: 'NON_COMPLIANT',
      annotation: `Trail main (us-east-1): filter 'root-or-launches' also feeds metric ${metricNamespace}/${metric} and matches ${root.policy.ceilingNoun}, so its alarm fires on normal activity; delete it or give it another metric`,
    });
  });

  it('among filters that all fail, names the closest: the 6-name security group list, not the Config filter beside it', async () => {
    const groups = controlById('security-group-changes');
    const config = controlById('aws-config-changes');
    const world = familyWorld([groups]);
    const logGroup = accountIn(world, ACCOUNT_ID).logGroups[0]!;
    // Named to sort first, as in terraform-aws-modules' cis-alarms: AWSConfigChanges before SecurityGroupChanges.
    logGroup.metricFilters = [
      cisFilter({ filterName: 'AWSConfigChanges', filterPattern: newestCisText(config), metricTransformations: [{ metricNamespace: 'CIS', metricName: 'AWSConfigChanges', metricValue: '1' }] }),
      { ...logGroup.metricFilters[0]!, filterName: 'SecurityGroupChanges', filterPattern: cisTextOf(groups, '4.0')!.text },
    ];
    const [decision] = await evaluateControls(new FakeAwsReader(world, ACCOUNT_ID), request, [groups]);
    expect(decision!.complianceType).toBe('NON_COMPLIANT');
    expect(decision!.annotation).toMatch(/^Trail main \(us-east-1\): filter 'SecurityGroupChanges' .*ModifySecurityGroupRules/);
  });

  it('says no filter catches the control when the only filters are meant for other controls, rather than naming one', async () => {
    // The unauthorized-calls filter reads eventName (HeadBucket) and errorCode, the Config filter eventSource and
    // event names: neither is about sign-ins without MFA or CMK deletion, so neither is named as if it were.
    const world = compliantWorld();
    const logGroup = accountIn(world, ACCOUNT_ID).logGroups[0]!;
    const config = controlById('aws-config-changes');
    logGroup.metricFilters = [
      ...logGroup.metricFilters,
      cisFilter({ filterName: 'AWSConfigChanges', filterPattern: newestCisText(config), metricTransformations: [{ metricNamespace: 'CIS', metricName: 'AWSConfigChanges', metricValue: '1' }] }),
    ];
    for (const id of ['console-signin-without-mfa', 'cmk-disable-or-scheduled-deletion'] as const) {
      const e = await alone(world, controlById(id));
      expect(e.annotation).toBe(
        `Trail main (us-east-1): none of the 2 metric filters on log group ${LOG_GROUP_NAME} catches ${controlById(id).policy.floorNoun}; add one with the CIS pattern`,
      );
    }
  });

  it("names the control's subject when no filter of the log group catches it", async () => {
    const e = await alone(compliantWorld(), controlById('root-usage'));
    expect(e).toEqual({
      complianceType: 'NON_COMPLIANT',
      annotation: `Trail main (us-east-1): none of the 1 metric filters on log group ${LOG_GROUP_NAME} catches ${controlById('root-usage').policy.floorNoun}; add one with the CIS pattern`,
    });
  });
});
