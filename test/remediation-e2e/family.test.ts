/**
 * The remediation document for controls of the family other than 4.1, run by the local SSM runner against the local
 * AWS: it creates the control's filter and alarm, a second run writes nothing, the rule then finds that control
 * COMPLIANT, two controls share one topic, and a trail blind to the control's service is refused.
 */
import { remediationData } from '../../remediation/controls-data';
import { controlById } from '../../rule/controls/catalogue';
import type { ControlId } from '../../rule/controls/control';
import { ACCOUNT_ID, LOG_GROUP_NAME, REGION, accountIn, logGroupArn, topicArn, trail } from '../support/world';
import {
  EMAIL,
  RUNBOOK,
  bareAccount,
  evaluateCopy,
  expectCompliantOnceConfirmed,
  expectFailure,
  expectSuccess,
  planOf,
  pythonMissing,
  remediate,
  useEmulator,
  writes,
} from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(60_000);

const { describe: suite, title } = skipWhen(pythonMissing());
const TOPIC = topicArn(ACCOUNT_ID, REGION, RUNBOOK.topicName);
const FIVE: ControlId[] = ['unauthorized-api-calls', 'root-usage', 'console-signin-without-mfa', 'cmk-disable-or-scheduled-deletion', 'security-group-changes'];

suite(title('remediation document end to end, per control'), () => {
  const serve = useEmulator();

  it.each(FIVE)('%s: creates its filter and alarm, a second run writes nothing, and the rule finds the control COMPLIANT', async (id) => {
    const control = controlById(id);
    const local = await serve({ accounts: [bareAccount()] });
    expect((await evaluateCopy(local.world, ACCOUNT_ID, { control: id })).complianceType).toBe('NON_COMPLIANT');

    const first = await remediate(local, { Control: id, SubscriptionEndpoint: EMAIL });
    expectSuccess(first);
    expect(planOf(first)).toMatchObject({
      FilterAction: 'create',
      FilterName: control.names.filter,
      MetricNamespace: control.names.metricNamespace,
      MetricName: control.names.metric,
      AlarmAction: 'create',
      AlarmName: control.names.alarm,
      FilterPattern: remediationData().controls[id]!.patterns.cis,
    });
    const account = accountIn(local.world, ACCOUNT_ID);
    expect(account.logGroups[0]!.metricFilters.map((f) => f.filterName)).toEqual([control.names.filter]);
    expect(account.alarms.map((a) => [a.alarmName, a.alarmActions])).toEqual([[control.names.alarm, [TOPIC]]]);

    const before = local.log.length;
    const second = await remediate(local, { Control: id, SubscriptionEndpoint: EMAIL });
    expectSuccess(second);
    expect(writes(local.log, before)).toEqual([]);
    expect(planOf(second)).toMatchObject({ FilterAction: 'keep', FilterName: control.names.filter, AlarmName: control.names.alarm });

    await expectCompliantOnceConfirmed(local, ACCOUNT_ID, { control: id });
  });

  it('two controls remediated in one account notify the same topic, subscribed once', async () => {
    const local = await serve({ accounts: [bareAccount()] });
    expectSuccess(await remediate(local, { Control: 'root-usage', SubscriptionEndpoint: EMAIL }));
    const before = local.log.length;
    expectSuccess(await remediate(local, { Control: 'cmk-disable-or-scheduled-deletion', SubscriptionEndpoint: EMAIL }));
    // CreateTopic is idempotent by name: it returns the topic the first run created; nothing else touches the topic.
    expect(writes(local.log, before)).toEqual(['sns:CreateTopic', 'logs:PutMetricFilter', 'cloudwatch:PutMetricAlarm']);
    const account = accountIn(local.world, ACCOUNT_ID);
    expect(account.alarms.map((a) => a.alarmActions)).toEqual([[TOPIC], [TOPIC]]);
    expect(account.topics.map((t) => [t.topicArn, t.subscriptions.length])).toEqual([[TOPIC, 1]]);
    await expectCompliantOnceConfirmed(local, ACCOUNT_ID, { control: 'root-usage' });
    await expectCompliantOnceConfirmed(local, ACCOUNT_ID, { control: 'cmk-disable-or-scheduled-deletion' });
  });

  it('a trail that excludes kms.amazonaws.com cannot serve cmk-disable-or-scheduled-deletion: refused, nothing written', async () => {
    const blind = trail({
      name: 'main',
      cloudWatchLogsLogGroupArn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME),
      eventSelectors: undefined,
      advancedEventSelectors: [
        {
          name: 'Management events without KMS',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Management'] },
            { field: 'eventSource', notEquals: ['kms.amazonaws.com'] },
          ],
        },
      ],
    });
    const local = await serve({ accounts: [bareAccount({ trails: [blind] })] });
    const result = await remediate(local, { Control: 'cmk-disable-or-scheduled-deletion' });
    expectFailure(result, /trail main excludes management events of kms\.amazonaws\.com/);
    expect(writes(local.log)).toEqual([]);
    // The same trail still serves a control that reads every service.
    expectSuccess(await remediate(local, { Control: 'root-usage' }));
  });

  it('PatternSource securityhub creates Security Hub\'s text, and is refused where it falls short of the newest CIS', async () => {
    const local = await serve({ accounts: [bareAccount()] });
    const result = await remediate(local, { Control: 'iam-policy-changes', PatternSource: 'securityhub' });
    expectSuccess(result);
    expect(planOf(result).FilterPattern).toBe(controlById('iam-policy-changes').patterns.find((p) => p.id === 'securityhub')!.text);
    const refused = await remediate(local, { Control: 'security-group-changes', PatternSource: 'securityhub' });
    expectFailure(refused, /security-group-changes has no Security Hub pattern that meets the newest CIS version/);
  });
});
