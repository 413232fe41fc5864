/**
 * The real remediation document, run by the local SSM runner against the local AWS, where a chain exists and only
 * its subscription is missing or pending: it must reuse the alarm and its topic rather than build a second chain,
 * subscribe an endpoint at most once, and say which subscription awaits confirmation. Also: a bad
 * SubscriptionEndpoint is refused before anything is written.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { World } from '../../devtools/local-aws/state';
import { ACCOUNT_ID, REGION, accountIn, cisAlarm, cisFilter, confirmedEmail, topicArn } from '../support/world';
import {
  EMAIL,
  ROOT,
  bareAccount,
  evaluateCopy,
  expectCompliantOnceConfirmed,
  expectFailure,
  expectSuccess,
  planOf,
  pythonMissing,
  remediate,
  resourcesOf,
  useEmulator,
  writes,
} from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(30_000);

const { describe: suite, title } = skipWhen(pythonMissing());

const SAMPLE_ACCOUNT = '444444444444';
const SAMPLE_TOPIC = topicArn(SAMPLE_ACCOUNT, REGION, 'cis-alerts');

function pendingSubscriptionSample(): World {
  return JSON.parse(readFileSync(path.join(ROOT, 'examples', 'accounts', 'pending-subscription.json'), 'utf8')) as World;
}

/** ACCOUNT_ID with the CIS filter and an alarm that fires on one call, notifying `topic`, which has `subscriptions`. */
function alarmWithUnconfirmedTopic(subscriptions: World['accounts'][number]['topics'][number]['subscriptions']): World {
  const topic = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
  const account = bareAccount({
    alarms: [cisAlarm(ACCOUNT_ID, REGION, topic, { alarmName: 'existing-alarm' })],
    topics: [{ topicArn: topic, subscriptions }],
  });
  account.logGroups[0]!.metricFilters.push(cisFilter());
  return { accounts: [account] };
}

suite(title('remediation document end to end: an alarm whose topic has no confirmed subscription is reused'), () => {
  const serve = useEmulator();

  it('pending-subscription sample: keeps its one alarm and one topic, subscribes nobody twice, names the pending subscription', async () => {
    const local = await serve(pendingSubscriptionSample());
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL }, SAMPLE_ACCOUNT);
    expectSuccess(result);
    const account = accountIn(local.world, SAMPLE_ACCOUNT);
    // It used to create topic unauthorized-api-calls-alarms, subscribe security@example.com to it and add a second alarm.
    expect(account.alarms.map((a) => a.alarmName)).toEqual(['cis-unauthorized-api-calls']);
    expect(account.topics.map((t) => t.topicArn)).toEqual([SAMPLE_TOPIC]);
    expect(account.topics[0]!.subscriptions).toEqual([{ subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: EMAIL }]);
    expect(writes(local.log).filter((w) => w !== 'sns:SetTopicAttributes')).toEqual([]);
    expect(planOf(result)).toMatchObject({ FilterAction: 'keep', AlarmAction: 'reuse', AlarmName: 'cis-unauthorized-api-calls', TopicArn: SAMPLE_TOPIC });
    expect(result.outputs['VerifyChain.Result']).toMatchObject({
      Confirmed: false,
      Next: `Confirm the email subscription of ${EMAIL} to ${SAMPLE_TOPIC} (pending confirmation); until then the rule reports the account NON_COMPLIANT`,
    });
    const decision = await expectCompliantOnceConfirmed(local, SAMPLE_ACCOUNT);
    expect(decision.annotation).toContain("alarm 'cis-unauthorized-api-calls' -> topic cis-alerts (1 confirmed subscription)");
  });

  it('the existing topic given as TopicArn: no second alarm on the same metric and topic', async () => {
    const local = await serve(pendingSubscriptionSample());
    expectSuccess(await remediate(local, { TopicArn: SAMPLE_TOPIC, SubscriptionEndpoint: EMAIL }, SAMPLE_ACCOUNT));
    const account = accountIn(local.world, SAMPLE_ACCOUNT);
    expect(account.alarms.map((a) => a.alarmName)).toEqual(['cis-unauthorized-api-calls']);
    expect(account.topics[0]!.subscriptions).toHaveLength(1);
    expect(writes(local.log).filter((w) => w !== 'sns:SetTopicAttributes')).toEqual([]);
  });

  it('a topic without subscriptions: the endpoint is subscribed to the alarm\'s topic, once over two runs', async () => {
    const local = await serve(alarmWithUnconfirmedTopic([]));
    const topic = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
    const first = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(first);
    expect(writes(local.log)).toEqual(['sns:SetTopicAttributes', 'sns:Subscribe']);
    expect(first.outputs['VerifyChain.Result']).toMatchObject({ Confirmed: false, Next: expect.stringContaining(`email subscription of ${EMAIL} to ${topic}`) });
    const mark = local.log.length;
    expectSuccess(await remediate(local, { SubscriptionEndpoint: EMAIL }));
    expect(writes(local.log, mark)).toEqual([]);
    const account = accountIn(local.world, ACCOUNT_ID);
    expect(account.alarms.map((a) => a.alarmName)).toEqual(['existing-alarm']);
    expect(account.topics.map((t) => [t.topicArn, t.subscriptions.length])).toEqual([[topic, 1]]);
    await expectCompliantOnceConfirmed(local);
  });

  it('another TopicArn than the alarm notifies: the alarm is not reused, one alarm is created for the given topic', async () => {
    const world = alarmWithUnconfirmedTopic([]);
    const given = topicArn(ACCOUNT_ID, REGION, 'given-topic');
    accountIn(world, ACCOUNT_ID).topics.push({ topicArn: given, subscriptions: [confirmedEmail(given)] });
    const local = await serve(world);
    const result = await remediate(local, { TopicArn: given, SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(planOf(result)).toMatchObject({ AlarmAction: 'create', TopicArn: given });
    expect(accountIn(local.world, ACCOUNT_ID).alarms.map((a) => [a.alarmName, a.alarmActions])).toEqual([
      ['existing-alarm', [topicArn(ACCOUNT_ID, REGION, 'security-alerts')]],
      ['unauthorized-api-calls-alarm', [given]],
    ]);
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
  });
});

suite(title('remediation document end to end: a bad SubscriptionEndpoint is refused before any write'), () => {
  const serve = useEmulator();
  const OTHER_ACCOUNT = '444455556666';

  it.each([
    ['an email address with a control character', 'email', 'secops\u0001@example.com', /does not match/],
    ['an email protocol with a URL', 'email', 'https://hooks.example.com/alarm', /SubscriptionEndpoint .* is not an email address/],
    ['an https protocol with an email address', 'https', EMAIL, /SubscriptionEndpoint .* is not an https URL/],
    ['an SQS queue of another account', 'sqs', `arn:aws:sqs:${REGION}:${OTHER_ACCOUNT}:alarms`, /account 444455556666.*not 111122223333/],
    ['a Lambda function of another partition', 'lambda', `arn:aws-cn:lambda:cn-north-1:${ACCOUNT_ID}:function:notify`, /partition aws-cn.*not aws/],
    ['an SQS protocol with a Lambda function', 'sqs', `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:notify`, /is not an SQS queue ARN/],
  ])('%s: fails naming the endpoint, nothing written', async (_what, protocol, endpoint, message) => {
    const local = await serve({ accounts: [bareAccount()] });
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionProtocol: protocol, SubscriptionEndpoint: endpoint });
    expectFailure(result, message);
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });
});
