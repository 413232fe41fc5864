/**
 * Regressions: each test is a bug found by running the real document against the local AWS (the component that
 * had it is in the test's name: document, emulator, rule), kept so that it stays fixed.
 */
import {
  ACCOUNT_ID,
  METRIC_NAME,
  METRIC_NAMESPACE,
  REGION,
  accountIn,
  cisAlarm,
  cisFilter,
  compliantWorld,
  mathAlarm,
  topicArn,
} from '../support/world';
import {
  EMAIL,
  RUNBOOK,
  bareWorld,
  evaluateCopy,
  expectCompliantOnceConfirmed,
  expectSuccess,
  pythonMissing,
  remediate,
  resourcesOf,
  useEmulator,
  writes,
} from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(30_000);

const { describe: suite, title } = skipWhen(pythonMissing());

suite(title('regressions found by running the document'), () => {
  const serve = useEmulator();

  // Document: qualifying_alarm read only DescribeAlarmsForMetric, which never returns metric-math alarms, while
  // the rule accepts them. An account the rule calls COMPLIANT got a second topic, subscription and alarm.
  it('document: an account compliant through a metric-math alarm is left as it is', async () => {
    const world = compliantWorld();
    const account = accountIn(world, ACCOUNT_ID);
    const topic = account.topics[0]!.topicArn;
    account.alarms = [mathAlarm('unauthorized-api-calls-math', METRIC_NAME, topic)];
    const local = await serve(world);
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
    const before = resourcesOf(local.world);
    expectSuccess(await remediate(local, { SubscriptionEndpoint: EMAIL }));
    // It used to write sns:CreateTopic, sns:SetTopicAttributes, sns:Subscribe, cloudwatch:PutMetricAlarm.
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  // Document: confirmed_topic lists the subscriptions of every firing alarm's topic without handling errors, so
  // one stale alarm whose topic was deleted (NotFound) makes DiscoverChain fail with the raw botocore error, and
  // the account cannot be remediated (the rule reports it NON_COMPLIANT: "could not verify ... (NotFound)").
  it('document: an old alarm on the metric whose topic was deleted does not stop the remediation', async () => {
    const world = bareWorld();
    const account = accountIn(world, ACCOUNT_ID);
    account.logGroups[0]!.metricFilters.push(cisFilter());
    account.alarms.push(cisAlarm(ACCOUNT_ID, REGION, topicArn(ACCOUNT_ID, REGION, 'deleted-topic'), { alarmName: 'old-unauthorized-api-calls' }));
    const local = await serve(world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    // Actual: Failed, "Step DiscoverChain failed: NotFoundException: An error occurred (NotFound) when calling the
    // ListSubscriptionsByTopic operation: Topic does not exist".
    expectSuccess(result);
    await expectCompliantOnceConfirmed(local);
  });

  // Emulator: DescribeMetricFilters answers in insertion order, while AWS documents "The results are ASCII-sorted
  // by filter name" (API_DescribeMetricFilters). The document's AssertMetricFilter reads metricFilters[0] of
  // filterNamePrefix=FilterName, which in AWS is the exact name whenever it exists.
  it('emulator: a filter whose name extends the runbook FilterName does not break AssertMetricFilter', async () => {
    const world = bareWorld();
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(
      cisFilter({
        filterName: `${RUNBOOK.filterName}-root-usage`,
        filterPattern: '{ $.userIdentity.type = "Root" }',
        metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: 'RootAccountUsage', metricValue: '1' }],
      }),
    );
    const local = await serve(world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    // Actual: "Step AssertMetricFilter failed: AutomationFailure: $.metricFilters[0].filterName is
    // 'unauthorized-api-calls-root-usage', expected one of ['unauthorized-api-calls']".
    expectSuccess(result);
    await expectCompliantOnceConfirmed(local);
  });

  // Rule: pollutingFilter compares namespace and metric name only. A sibling filter that publishes the same metric
  // name WITH dimensions feeds other metrics (dimensions are part of a metric's identity), never the dimensionless
  // series the alarm watches; the rule's own checkTransformation says as much. The document (rightly) keeps the
  // chain, so the account stays NON_COMPLIANT whatever is remediated.
  it('rule: a sibling filter publishing the metric name with dimensions does not pollute the alarmed metric', async () => {
    const world = compliantWorld();
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(
      cisFilter({
        filterName: 'api-calls-by-source',
        filterPattern: '{ $.eventSource = "*" }',
        metricTransformations: [{ metricNamespace: METRIC_NAMESPACE, metricName: METRIC_NAME, metricValue: '1', dimensions: { EventSource: '$.eventSource' } }],
      }),
    );
    const local = await serve(world);
    expectSuccess(await remediate(local, { SubscriptionEndpoint: EMAIL }));
    expect(writes(local.log)).toEqual([]);
    // Actual: NON_COMPLIANT, "filter 'api-calls-by-source' also feeds metric CISBenchmark/UnauthorizedAPICalls and
    // matches successful calls, so its alarm fires on normal activity; ...".
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
  });
});
