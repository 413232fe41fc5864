/**
 * The compliance decision on snapshots, link by link: what a security team reads in the Config console for each
 * way an account can be set up. Pure: no AWS, no mocks.
 */
import { decide, MAX_ANNOTATION_LENGTH, type ComplianceType } from '../../rule/decide';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import {
  ACCOUNT,
  accountSnapshot,
  alarmSnapshot,
  failed,
  filterSnapshot,
  firstAlarm,
  firstFilter,
  firstTrail,
  metricAlarm,
  metricFilter,
  ok,
  toSnapshot,
  trailSnapshot,
  type NestedAccountSnapshot,
  value,
} from '../support/snapshots';

type Case = [name: string, change: (s: NestedAccountSnapshot) => void, expected: ComplianceType, annotation: RegExp, parameters?: Partial<RuleParameters>];

const MGMT_ACCOUNT = '999988887777';

const cases: Case[] = [
  ['a compliant account', () => {}, 'COMPLIANT', /^Trail main \(us-east-1\): filter 'unauthorized-api-calls' -> alarm 'unauthorized-api-calls-alarm' -> topic security-alerts \(1 confirmed subscription\)$/],

  // Link 1: the trail
  ['no trail at all', (s) => (s.trails = ok([])), 'NON_COMPLIANT', /^No CloudTrail trail covers us-east-1; create a multi-region trail/],
  ['a single-region trail', (s) => (firstTrail(s).trail.isMultiRegionTrail = false), 'NON_COMPLIANT', /^Trail main \(us-east-1\): is single-region; make it multi-region/],
  ['a trail that is not logging', (s) => (value(firstTrail(s).status).isLogging = false), 'NON_COMPLIANT', /is not logging; start it \(aws cloudtrail start-logging/],
  [
    'a shadow trail whose home region differs from the rule region',
    (s) => Object.assign(firstTrail(s).trail, { homeRegion: 'eu-west-1', arn: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/main`, cloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:aws-cloudtrail-logs:*` }),
    'COMPLIANT',
    /^Trail main \(eu-west-1\): filter/,
  ],
  [
    'classic selectors recording write events only',
    (s) => (value(firstTrail(s).selectors).eventSelectors = [{ readWriteType: 'WriteOnly', includeManagementEvents: true }]),
    'NON_COMPLIANT',
    /records only WriteOnly management events \(ReadWriteType\); record all read and write management events$/,
  ],
  [
    'classic selectors: a ReadOnly and a WriteOnly selector together',
    (s) => (value(firstTrail(s).selectors).eventSelectors = [{ readWriteType: 'ReadOnly' }, { readWriteType: 'WriteOnly' }]),
    'COMPLIANT',
    /-> topic security-alerts/,
  ],
  [
    'classic selectors without management events',
    (s) => (value(firstTrail(s).selectors).eventSelectors = [{ readWriteType: 'All', includeManagementEvents: false }]),
    'NON_COMPLIANT',
    /records no management events/,
  ],
  ['no selectors configured (the default records all management events)', (s) => (firstTrail(s).selectors = ok({})), 'COMPLIANT', /-> topic/],
  [
    'advanced selectors: Management without a readOnly field',
    (s) => (firstTrail(s).selectors = ok({ advancedEventSelectors: [{ name: 'mgmt', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }] })),
    'COMPLIANT',
    /-> topic/,
  ],
  [
    'advanced selectors: Management, read-only',
    (s) =>
      (firstTrail(s).selectors = ok({
        advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }] }],
      })),
    'NON_COMPLIANT',
    /records only read-only or only write management events/,
  ],
  [
    'advanced selectors: data events only',
    (s) => (firstTrail(s).selectors = ok({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] })),
    'NON_COMPLIANT',
    /has no advanced event selector for eventCategory Management/,
  ],
  [
    'advanced selectors restricted to one event source',
    (s) => (firstTrail(s).selectors = ok({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'eventSource', equals: ['iam.amazonaws.com'] }] }] })),
    'NON_COMPLIANT',
    /records only some management events \(its selector filters on eventSource\)/,
  ],
  [
    'classic selector excluding KMS events',
    (s) => (value(firstTrail(s).selectors).eventSelectors = [{ readWriteType: 'All', excludeManagementEventSources: ['kms.amazonaws.com'] }]),
    'COMPLIANT',
    /-> topic security-alerts \(1 confirmed subscription\); trail excludes kms\.amazonaws\.com management events$/,
  ],
  [
    'advanced selector excluding RDS Data API events',
    (s) =>
      (firstTrail(s).selectors = ok({
        advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] }] }],
      })),
    'COMPLIANT',
    /trail excludes rdsdata\.amazonaws\.com management events$/,
  ],
  ['no CloudWatch Logs delivery', (s) => delete firstTrail(s).trail.cloudWatchLogsLogGroupArn, 'NON_COMPLIANT', /does not deliver to CloudWatch Logs/],
  [
    'a current delivery error',
    (s) => (value(firstTrail(s).status).latestCloudWatchLogsDeliveryError = 'AccessDenied: CloudTrail cannot assume the role'),
    'NON_COMPLIANT',
    /delivery to log group aws-cloudtrail-logs fails \(AccessDenied: CloudTrail cannot assume the role\)/,
  ],
  [
    'a log group ARN in another account',
    (s) => (firstTrail(s).trail.cloudWatchLogsLogGroupArn = `arn:aws:logs:us-east-1:${MGMT_ACCOUNT}:log-group:aws-cloudtrail-logs:*`),
    'NON_COMPLIANT',
    /in account 999988887777, not the trail's account/,
  ],

  // Link 2: the metric filter
  ['no metric filter', (s) => (firstTrail(s).metricFilters = ok([])), 'NON_COMPLIANT', /log group aws-cloudtrail-logs has no metric filter; add one with the CIS pattern/],
  [
    'the all-|| CIS v1.3 pattern',
    (s) => (value(firstTrail(s).metricFilters)[0] = filterSnapshot(metricFilter(CIS_PATTERNS['cis-1.3'], 'uac'), [])),
    'NON_COMPLIANT',
    /^Trail main \(us-east-1\): filter 'uac' also matches successful calls \(DescribeInstances, no errorCode\), so its alarm fires on normal activity; use the CIS pattern$/,
  ],
  [
    'the all-|| pattern with broad patterns allowed',
    (s) => (firstFilter(s).filter.filterPattern = CIS_PATTERNS['cis-1.3']),
    'COMPLIANT',
    /-> topic/,
    { allowBroadFilterPattern: true },
  ],
  [
    'the CIS v2.0 text under strict cis-1.2',
    () => {},
    'NON_COMPLIANT',
    /filter 'unauthorized-api-calls' is not the literal CIS v1\.2 text that strict mode requires/,
    { strictPatternVersion: 'cis-1.2' },
  ],
  [
    'only filters for other CIS controls',
    (s) =>
      (firstTrail(s).metricFilters = ok([
        filterSnapshot(metricFilter('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }', 'root-usage'), []),
        filterSnapshot(metricFilter('{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != "Yes") }', 'console-no-mfa'), []),
      ])),
    'NON_COMPLIANT',
    /none of the 2 metric filters on log group aws-cloudtrail-logs catches unauthorized calls/,
  ],
  [
    'a filter publishing dimensions',
    (s) => (firstFilter(s).filter.metricTransformations[0]!.dimensions = { eventSource: '$.eventSource' }),
    'NON_COMPLIANT',
    /publishes its metric with dimensions \(eventSource\), so no alarm sees every call/,
  ],
  [
    'a second, all-|| filter feeding the same metric',
    (s) => value(firstTrail(s).metricFilters).push(filterSnapshot(metricFilter(CIS_PATTERNS['cis-1.3'], 'legacy-cis-4.1'), [])),
    'NON_COMPLIANT',
    /filter 'legacy-cis-4\.1' also feeds metric CISBenchmark\/UnauthorizedAPICalls and matches successful calls, so its alarm fires on normal activity/,
  ],
  [
    'a second, all-|| filter on another metric',
    (s) => {
      const legacy = metricFilter(CIS_PATTERNS['cis-1.3'], 'legacy-cis-4.1');
      legacy.metricTransformations[0]!.metricName = 'unauthorized_api_calls_metric';
      value(firstTrail(s).metricFilters).push(filterSnapshot(legacy, []));
    },
    'COMPLIANT',
    /-> topic/,
  ],
  ['a metric value taken from the record', (s) => (firstFilter(s).filter.metricTransformations[0]!.metricValue = '$.count'), 'NON_COMPLIANT', /metric value '\$\.count' depends on the record; use 1/],
  [
    'AWS TestMetricFilter disagreeing with the local engine',
    (s) => {
      const test = value(firstFilter(s).awsTest);
      const first = test.records.findIndex((r) => r.errorCode === 'Client.UnauthorizedOperation');
      test.matches[first] = false;
    },
    'NON_COMPLIANT',
    /filter 'unauthorized-api-calls' misses unauthorized calls according to AWS TestMetricFilter \(RunInstances, Client\.UnauthorizedOperation\); AWS overrides the local engine on RunInstances \(Client\.UnauthorizedOperation\)$/,
  ],

  // Link 3: the alarm
  ['no alarm on the metric', (s) => ((firstFilter(s).alarms = ok([])), (firstFilter(s).mathAlarms = ok([]))), 'NON_COMPLIANT', /no alarm on metric CISBenchmark\/UnauthorizedAPICalls of filter 'unauthorized-api-calls' in us-east-1; create one/],
  [
    'a metric-math alarm on FILL(m1, 0)',
    (s) => {
      firstFilter(s).alarms = ok([]);
      const alarm = metricAlarm({ alarmName: 'uac-math', metricName: undefined, namespace: undefined, statistic: undefined, threshold: 1 });
      alarm.metrics = [
        { id: 'm1', returnData: false, metricStat: { metric: { namespace: 'CISBenchmark', metricName: 'UnauthorizedAPICalls', dimensions: [] }, period: 300, stat: 'Sum' } },
        { id: 'e1', expression: 'FILL(m1, 0)', returnData: true },
      ];
      firstFilter(s).mathAlarms = ok([alarmSnapshot(alarm)]);
    },
    'COMPLIANT',
    /-> alarm 'uac-math' -> topic/,
  ],
  [
    'a metric-math alarm dividing the metric',
    (s) => {
      firstFilter(s).alarms = ok([]);
      const alarm = metricAlarm({ alarmName: 'uac-rate', metricName: undefined, namespace: undefined, statistic: undefined });
      alarm.metrics = [
        { id: 'm1', returnData: false, metricStat: { metric: { namespace: 'CISBenchmark', metricName: 'UnauthorizedAPICalls', dimensions: [] }, period: 300, stat: 'Sum' } },
        { id: 'e1', expression: 'm1 / PERIOD(m1)', returnData: true },
      ];
      firstFilter(s).mathAlarms = ok([alarmSnapshot(alarm)]);
    },
    'NON_COMPLIANT',
    /alarm 'uac-rate' uses the metric-math expression 'm1 \/ PERIOD\(m1\)', which cannot be shown to fire on one call/,
  ],
  [
    'an alarm on the metric with a dimension the filter does not publish',
    (s) => (firstAlarm(s).alarm.dimensions = [{ name: 'eventSource', value: 'ec2.amazonaws.com' }]),
    'NON_COMPLIANT',
    /alarm 'unauthorized-api-calls-alarm' watches the metric with dimensions \(eventSource=ec2\.amazonaws\.com\)/,
  ],
  [
    'an alarm in another region than the log group',
    (s) => ((firstFilter(s).alarms = ok([])), (firstFilter(s).mathAlarms = ok([]))),
    'NON_COMPLIANT',
    /no alarm on metric .* in us-east-1/,
  ],
  ['Average with a threshold of 5 (never fires)', (s) => Object.assign(firstAlarm(s).alarm, { statistic: 'Average', threshold: 5 }), 'NON_COMPLIANT', /needs Average >= 5 but one call gives 1; use Sum >= 1/],
  [
    'Average with a default value of 0',
    (s) => ((firstAlarm(s).alarm.statistic = 'Average'), (firstFilter(s).filter.metricTransformations[0]!.defaultValue = 0)),
    'NON_COMPLIANT',
    /needs Average >= 1 but one call gives 0 \(default value 0 can pull Average down to 0\)/,
  ],
  ['a threshold above one call', (s) => (firstAlarm(s).alarm.threshold = 2), 'NON_COMPLIANT', /needs Sum >= 2 but one call gives 1/],
  ['GreaterThanThreshold 1', (s) => (firstAlarm(s).alarm.comparisonOperator = 'GreaterThanThreshold'), 'NON_COMPLIANT', /needs Sum > 1 but one call gives 1/],
  ['LessThanThreshold', (s) => (firstAlarm(s).alarm.comparisonOperator = 'LessThanThreshold'), 'NON_COMPLIANT', /uses LessThanThreshold, so a call never sets it off/],
  ['3 out of 3 datapoints', (s) => (firstAlarm(s).alarm.evaluationPeriods = 3), 'NON_COMPLIANT', /needs 3 breaching datapoints but one call makes one/],
  ['1 out of 12 datapoints', (s) => Object.assign(firstAlarm(s).alarm, { evaluationPeriods: 12, datapointsToAlarm: 1 }), 'COMPLIANT', /-> topic/],
  ['missing data treated as breaching', (s) => (firstAlarm(s).alarm.treatMissingData = 'breaching'), 'NON_COMPLIANT', /treats missing data as breaching, so it sits in ALARM/],
  ['a unit the filter does not publish', (s) => (firstAlarm(s).alarm.unit = 'Count'), 'NON_COMPLIANT', /asks for unit Count but the filter publishes None/],
  ['an anomaly detection alarm', (s) => Object.assign(firstAlarm(s).alarm, { thresholdMetricId: 'ad1', threshold: undefined }), 'NON_COMPLIANT', /uses an anomaly detection band/],
  ['ActionsEnabled false', (s) => (firstAlarm(s).alarm.actionsEnabled = false), 'NON_COMPLIANT', /alarm 'unauthorized-api-calls-alarm' has actions disabled; enable them/],

  // Link 4: the topic
  ['no SNS action', (s) => (firstAlarm(s).alarm.alarmActions = ['arn:aws:automate:us-east-1:ec2:stop']), 'NON_COMPLIANT', /notifies no SNS topic/],
  ['a pending subscription only', (s) => (value(firstFilter(s).alarms)[0] = alarmSnapshot(metricAlarm(), false)), 'NON_COMPLIANT', /topic security-alerts of alarm 'unauthorized-api-calls-alarm' has only 1 subscription pending confirmation; confirm one/],
  ['a topic without subscriptions', (s) => (firstAlarm(s).topics![0]!.subscriptions = ok([])), 'NON_COMPLIANT', /has no subscription; confirm one/],

  // What could not be verified
  ['DescribeTrails denied', (s) => (s.trails = failed('cloudtrail:DescribeTrails', 'trails in us-east-1')), 'NON_COMPLIANT', /^Could not verify: cloudtrail:DescribeTrails on trails in us-east-1 failed \(AccessDeniedException\)$/],
  ['GetTrailStatus denied', (s) => (firstTrail(s).status = failed('cloudtrail:GetTrailStatus', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main')), 'NON_COMPLIANT', /could not verify: cloudtrail:GetTrailStatus on arn:aws:cloudtrail/],
  ['GetEventSelectors denied', (s) => (firstTrail(s).selectors = failed('cloudtrail:GetEventSelectors', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main')), 'NON_COMPLIANT', /could not verify: cloudtrail:GetEventSelectors/],
  ['DescribeMetricFilters denied', (s) => (firstTrail(s).metricFilters = failed('logs:DescribeMetricFilters', 'log group aws-cloudtrail-logs in us-east-1')), 'NON_COMPLIANT', /could not verify: logs:DescribeMetricFilters on log group aws-cloudtrail-logs in us-east-1 failed/],
  ['TestMetricFilter denied', (s) => (firstFilter(s).awsTest = failed('logs:TestMetricFilter', 'log group aws-cloudtrail-logs in us-east-1')), 'NON_COMPLIANT', /could not verify: logs:TestMetricFilter/],
  ['TestMetricFilter denied but confirmation off', (s) => delete firstFilter(s).awsTest, 'COMPLIANT', /-> topic/, { confirmWithTestMetricFilter: false }],
  ['DescribeAlarmsForMetric denied', (s) => (firstFilter(s).alarms = failed('cloudwatch:DescribeAlarmsForMetric', 'metric CISBenchmark/UnauthorizedAPICalls in us-east-1')), 'NON_COMPLIANT', /could not verify: cloudwatch:DescribeAlarmsForMetric/],
  [
    'DescribeAlarms denied when looking for metric-math alarms',
    (s) => ((firstFilter(s).alarms = ok([])), (firstFilter(s).mathAlarms = failed('cloudwatch:DescribeAlarms', 'alarms in us-east-1'))),
    'NON_COMPLIANT',
    /could not verify: cloudwatch:DescribeAlarms on alarms in us-east-1/,
  ],
  [
    'ListSubscriptionsByTopic denied',
    (s) => (firstAlarm(s).topics![0]!.subscriptions = failed('sns:ListSubscriptionsByTopic', 'arn:aws:sns:us-east-1:111122223333:security-alerts', 'AuthorizationError')),
    'NON_COMPLIANT',
    /could not verify: sns:ListSubscriptionsByTopic on arn:aws:sns:us-east-1:111122223333:security-alerts failed \(AuthorizationError\)/,
  ],
  [
    'a region disabled by an SCP',
    (s) => (firstTrail(s).status = failed('cloudtrail:GetTrailStatus', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main', 'UnrecognizedClientException')),
    'NON_COMPLIANT',
    /failed \(UnrecognizedClientException\)/,
  ],

  // Several trails
  [
    'a broken trail and a good one: the good one decides',
    (s) => {
      const broken = trailSnapshot('a-first');
      value(broken.status).isLogging = false;
      s.trails = ok([broken, trailSnapshot('z-good')]);
    },
    'COMPLIANT',
    /^Trail z-good \(us-east-1\): filter/,
  ],
  [
    'a denied trail and a good one: the good one proves compliance',
    (s) => {
      const denied = trailSnapshot('a-denied');
      denied.status = failed('cloudtrail:GetTrailStatus', denied.trail.arn);
      s.trails = ok([denied, trailSnapshot('z-good')]);
    },
    'COMPLIANT',
    /^Trail z-good/,
  ],
  [
    'two broken trails: the closest to compliant is named',
    (s) => {
      const single = trailSnapshot('a-single');
      single.trail.isMultiRegionTrail = false;
      const pending = trailSnapshot('b-pending');
      value(pending.metricFilters)[0] = filterSnapshot(metricFilter(), [alarmSnapshot(metricAlarm(), false)]);
      s.trails = ok([single, pending]);
    },
    'NON_COMPLIANT',
    /^Trail b-pending \(us-east-1\): topic security-alerts .* pending confirmation/,
  ],

  // A snapshot built without a read the decision needs is never COMPLIANT, and says which read
  ['a snapshot lacking the trail status', (s) => delete firstTrail(s).status, 'NON_COMPLIANT', /^Could not evaluate: getTrailStatus was not read$/],

  // Organization trails owned by the management account
  [
    'an organization trail without a read role',
    (s) => (s.trails = ok([orgTrail()])),
    'NOT_APPLICABLE',
    /^Trail org-trail \(us-east-1\): is an organization trail owned by account 999988887777; set OrgTrailReadRoleName to a read role there/,
  ],
  [
    'an organization trail verified through the read role',
    (s) => (s.trails = ok([{ ...orgTrail(), ownerAccess: ok({ roleArn: `arn:aws:iam::${MGMT_ACCOUNT}:role/UnauthorizedApiCallsReader` }) }])),
    'COMPLIANT',
    /^Trail org-trail \(us-east-1\): filter/,
    { orgTrailReadRoleName: 'UnauthorizedApiCallsReader' },
  ],
  [
    'an organization trail whose read role cannot be assumed',
    (s) => (s.trails = ok([{ ...orgTrail(), ownerAccess: failed('sts:AssumeRole', `arn:aws:iam::${MGMT_ACCOUNT}:role/UnauthorizedApiCallsReader`, 'AccessDenied') }])),
    'NON_COMPLIANT',
    /could not verify: sts:AssumeRole on arn:aws:iam::999988887777:role\/UnauthorizedApiCallsReader failed \(AccessDenied\)/,
    { orgTrailReadRoleName: 'UnauthorizedApiCallsReader' },
  ],
  [
    'a broken own trail and an unverifiable organization trail',
    (s) => {
      const own = trailSnapshot('own');
      own.metricFilters = ok([]);
      s.trails = ok([own, orgTrail()]);
    },
    'NOT_APPLICABLE',
    /^Trail org-trail/,
  ],
];

/** An organization trail seen from the member account: owned, and fed to a log group, in the management account. */
function orgTrail() {
  const t = trailSnapshot('org-trail', {
    arn: `arn:aws:cloudtrail:us-east-1:${MGMT_ACCOUNT}:trail/org-trail`,
    ownerAccountId: MGMT_ACCOUNT,
    isOrganizationTrail: true,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${MGMT_ACCOUNT}:log-group:aws-controltower/CloudTrailLogs:*`,
  });
  return t;
}

describe('decide', () => {
  // Rows are passed whole: jest reads a callback with more parameters than the row as one that takes `done`.
  it.each(cases.map((c) => [c[0], c] as const))('%s', (_name, [, change, expected, annotation, parameters]) => {
    const snapshot = accountSnapshot();
    change(snapshot);
    const decision = decide(toSnapshot(snapshot), { ...DEFAULT_PARAMETERS, ...parameters });
    expect(decision.annotation).toMatch(annotation);
    expect(decision.complianceType).toBe(expected);
    expect(decision.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  });

  it('is deterministic: the same snapshot gives the same annotation whatever the order of trails', () => {
    const a = trailSnapshot('alpha');
    value(a.status).isLogging = false;
    const b = trailSnapshot('beta');
    value(b.status).isLogging = false;
    const one = decide(toSnapshot(accountSnapshot(a, b)), DEFAULT_PARAMETERS);
    const two = decide(toSnapshot(accountSnapshot(b, a)), DEFAULT_PARAMETERS);
    expect(one).toEqual(two);
    expect(one.annotation).toMatch(/^Trail alpha/);
  });

  it('cuts an over-long annotation to 256 characters', () => {
    const snapshot = accountSnapshot(trailSnapshot('t'.repeat(200)));
    value(firstTrail(snapshot).status).isLogging = false;
    const { annotation } = decide(toSnapshot(snapshot), DEFAULT_PARAMETERS);
    expect(annotation).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(annotation.endsWith('…')).toBe(true);
  });
});
