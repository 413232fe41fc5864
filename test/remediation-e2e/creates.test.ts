/**
 * The real remediation document, run by the local SSM runner against the local AWS, where something is missing:
 * what it creates, what it keeps, what a second run does, and the rule's verdict afterwards.
 */
import { ACCOUNT_ID, LOG_GROUP_NAME, REGION, accountIn, cisFilter, confirmedEmail, topicArn, type World } from '../support/world';
import {
  EMAIL,
  RUNBOOK,
  alarmOf,
  bareAccount,
  bareWorld,
  confirmSubscriptions,
  evaluateCopy,
  expectCompliantOnceConfirmed,
  expectFailure,
  expectSuccess,
  planOf,
  policyStatements,
  pythonMissing,
  remediate,
  resourcesOf,
  topicOf,
  useEmulator,
  writes,
} from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(30_000);

const { describe: suite, title } = skipWhen(pythonMissing());

const CREATED_TOPIC = topicArn(ACCOUNT_ID, REGION, RUNBOOK.topicName);

/** The statement the document adds to a topic policy so that CloudWatch alarms of this account may publish. */
function publishStatement(topic: string) {
  return {
    Sid: RUNBOOK.statementId,
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topic,
    Condition: {
      StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:*` },
    },
  };
}

suite(title('remediation document end to end: what it creates'), () => {
  const serve = useEmulator();

  it('nothing but a qualifying trail and its log group: creates filter, topic, policy, subscription and alarm', async () => {
    const local = await serve(bareWorld());
    const before = await evaluateCopy(local.world);
    expect(before.complianceType).toBe('NON_COMPLIANT');

    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(writes(local.log)).toEqual(['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'logs:PutMetricFilter', 'cloudwatch:PutMetricAlarm']);
    expect(local.log.every((e) => e.status === 200 && e.accountId === ACCOUNT_ID && e.region === REGION)).toBe(true);
    expect(planOf(result)).toMatchObject({ TrailName: 'main', LogGroupName: LOG_GROUP_NAME, FilterAction: 'create', AlarmAction: 'create', Compliant: false });

    const account = accountIn(local.world, ACCOUNT_ID);
    expect(account.logGroups[0]!.metricFilters).toEqual([
      {
        filterName: RUNBOOK.filterName,
        filterPattern: RUNBOOK.pattern,
        metricTransformations: [{ metricName: RUNBOOK.metricName, metricNamespace: RUNBOOK.metricNamespace, metricValue: '1' }],
      },
    ]);

    const topic = topicOf(local.world, CREATED_TOPIC);
    expect(topic.subscriptions).toEqual([{ subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: EMAIL }]);
    const statements = policyStatements(topic);
    // SNS's default statement (the owner's) kept, the publish statement added, scoped to this account.
    expect(statements.map((s) => s.Sid)).toEqual(['__default_statement_ID', RUNBOOK.statementId]);
    expect(statements[1]).toEqual(publishStatement(CREATED_TOPIC));
    expect(topic.attributes?.KmsMasterKeyId).toBeUndefined();

    expect(account.alarms).toHaveLength(1);
    expect(alarmOf(local.world, RUNBOOK.alarmName)).toMatchObject({
      alarmDescription: RUNBOOK.alarmDescription,
      namespace: RUNBOOK.metricNamespace,
      metricName: RUNBOOK.metricName,
      statistic: 'Sum',
      dimensions: [],
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      actionsEnabled: true,
      alarmActions: [CREATED_TOPIC],
    });

    expect(result.outputs['VerifyChain.Result']).toMatchObject({
      Confirmed: false,
      PendingConfirmation: [`email subscription of ${EMAIL} to ${CREATED_TOPIC}`],
      Next: expect.stringContaining(`Confirm the email subscription of ${EMAIL} to ${CREATED_TOPIC}`),
    });
    // Pending: the rule still says NON_COMPLIANT, and names the subscription to confirm.
    const pending = await evaluateCopy(local.world);
    expect(pending.complianceType).toBe('NON_COMPLIANT');
    expect(pending.annotation).toContain('pending confirmation');
    const decision = await expectCompliantOnceConfirmed(local);
    expect(decision.annotation).toBe(
      `Trail main (us-east-1): filter '${RUNBOOK.filterName}' -> alarm '${RUNBOOK.alarmName}' -> topic ${RUNBOOK.topicName} (1 confirmed subscription)`,
    );
  });

  it('a filter that qualifies but no alarm: keeps the filter and creates the alarm on its metric', async () => {
    const world = bareWorld();
    const filter = cisFilter({
      filterName: 'LogMetrics-UnauthorizedAPICalls',
      metricTransformations: [{ metricNamespace: 'LogMetrics', metricName: 'UnauthorizedAPICalls', metricValue: '1' }],
    });
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(filter);
    const local = await serve(world);

    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(writes(local.log)).toEqual(['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'cloudwatch:PutMetricAlarm']);
    expect(planOf(result)).toMatchObject({ FilterAction: 'keep', FilterName: filter.filterName, AlarmAction: 'create' });
    expect(accountIn(local.world, ACCOUNT_ID).logGroups[0]!.metricFilters).toEqual([filter]);
    expect(alarmOf(local.world, RUNBOOK.alarmName)).toMatchObject({ namespace: 'LogMetrics', metricName: 'UnauthorizedAPICalls', alarmActions: [CREATED_TOPIC] });
    await expectCompliantOnceConfirmed(local);
  });

  it('a second run (subscription still pending) reuses its own alarm and topic and writes nothing', async () => {
    const local = await serve(bareWorld());
    expectSuccess(await remediate(local, { SubscriptionEndpoint: EMAIL }));
    const afterFirst = resourcesOf(local.world);
    const mark = local.log.length;

    const second = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(second);
    expect(planOf(second)).toMatchObject({ FilterAction: 'keep', AlarmAction: 'reuse', AlarmName: RUNBOOK.alarmName, TopicArn: CREATED_TOPIC });
    // It used to write sns:CreateTopic and cloudwatch:PutMetricAlarm again.
    expect(writes(local.log, mark)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(afterFirst);
    await expectCompliantOnceConfirmed(local);
  });

  it('a second run after the subscription is confirmed writes nothing at all', async () => {
    const local = await serve(bareWorld());
    expectSuccess(await remediate(local, { SubscriptionEndpoint: EMAIL }));
    expect(confirmSubscriptions(local.world)).toBe(1);
    const afterFirst = resourcesOf(local.world);
    const mark = local.log.length;

    const second = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(second);
    expect(planOf(second)).toMatchObject({ FilterAction: 'keep', AlarmAction: 'keep', Compliant: true });
    expect(second.steps.map((s) => s.name)).toEqual(['DiscoverChain', 'ChooseAlarm', 'VerifyChain']);
    expect(writes(local.log, mark)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(afterFirst);
    await expectCompliantOnceConfirmed(local);
  });

  it('an existing topic policy: the owner statements are kept and the publish statement added once, also over two runs', async () => {
    const owned = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
    const ownerStatements = [
      { Sid: 'OwnerManages', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: owned },
      { Sid: 'EventBridgePublishes', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: owned },
    ];
    const world: World = {
      accounts: [
        bareAccount({
          topics: [{ topicArn: owned, subscriptions: [], attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'owner-policy', Statement: ownerStatements }) } }],
        }),
      ],
    };
    const local = await serve(world);

    expectSuccess(await remediate(local, { TopicArn: owned, SubscriptionEndpoint: EMAIL }));
    expect(writes(local.log)).toEqual(['sns:SetTopicAttributes', 'sns:Subscribe', 'logs:PutMetricFilter', 'cloudwatch:PutMetricAlarm']);
    const expected = [...ownerStatements, publishStatement(owned)];
    expect(policyStatements(topicOf(local.world, owned))).toEqual(expected);
    expect(JSON.parse(topicOf(local.world, owned).attributes!.Policy!)).toMatchObject({ Version: '2012-10-17', Id: 'owner-policy' });
    expect(accountIn(local.world, ACCOUNT_ID).topics).toHaveLength(1);

    // Second run, subscription still pending: PrepareTopic runs again and must not add the statement twice.
    const mark = local.log.length;
    const second = await remediate(local, { TopicArn: owned, SubscriptionEndpoint: EMAIL });
    expectSuccess(second);
    expect(second.steps.map((s) => s.name)).toContain('PrepareTopic');
    expect(writes(local.log, mark)).toEqual([]);
    expect(policyStatements(topicOf(local.world, owned))).toEqual(expected);
    expect(topicOf(local.world, owned).subscriptions).toHaveLength(1);
    await expectCompliantOnceConfirmed(local);
  });

  it('an existing topic with a confirmed subscription given by TopicArn: no new subscription, COMPLIANT at once', async () => {
    const owned = topicArn(ACCOUNT_ID, REGION, 'security-alerts');
    const local = await serve({ accounts: [bareAccount({ topics: [{ topicArn: owned, subscriptions: [confirmedEmail(owned)] }] })] });
    const result = await remediate(local, { TopicArn: owned, SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(writes(local.log)).toEqual(['sns:SetTopicAttributes', 'logs:PutMetricFilter', 'cloudwatch:PutMetricAlarm']);
    expect(result.outputs['VerifyChain.Result']).toMatchObject({ Confirmed: true, ConfirmedTopic: owned });
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
  });

  it('KmsKeyId of a customer managed key: the created topic is encrypted with it', async () => {
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const world: World = {
      accounts: [
        bareAccount({
          kmsKeys: [{ keyId, arn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${keyId}`, aliases: ['alias/security-alerts'], region: REGION, keyManager: 'CUSTOMER' }],
        }),
      ],
    };
    const local = await serve(world);
    expectSuccess(await remediate(local, { KmsKeyId: 'alias/security-alerts', SubscriptionEndpoint: EMAIL }));
    expect(topicOf(local.world, CREATED_TOPIC).attributes?.KmsMasterKeyId).toBe('alias/security-alerts');
    await expectCompliantOnceConfirmed(local);
  });
});

suite(title('remediation document end to end: topics CloudWatch cannot publish to'), () => {
  const serve = useEmulator();
  const AWS_SNS_KEY_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  const AWS_SNS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${AWS_SNS_KEY_ID}`;

  /** A qualifying filter already there (so a refusal writes nothing), the AWS managed SNS key, and `topicKey`'s topic. */
  function worldWithEncryptedTopic(topicKey: string | undefined): World {
    const encrypted = topicArn(ACCOUNT_ID, REGION, 'encrypted-alerts');
    return {
      accounts: [
        bareAccount({
          logGroups: [{ name: LOG_GROUP_NAME, region: REGION, metricFilters: [cisFilter()] }],
          topics: [{ topicArn: encrypted, subscriptions: [confirmedEmail(encrypted)], ...(topicKey === undefined ? {} : { attributes: { KmsMasterKeyId: topicKey } }) }],
          kmsKeys: [{ keyId: AWS_SNS_KEY_ID, arn: AWS_SNS_KEY_ARN, aliases: ['alias/aws/sns'], region: REGION, keyManager: 'AWS' }],
        }),
      ],
    };
  }

  it.each([
    ['alias/aws/sns', 'alias/aws/sns'],
    ['the alias ARN', `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/aws/sns`],
    ['the key ARN of the AWS managed key', AWS_SNS_KEY_ARN],
  ])('a TopicArn encrypted with %s is refused, nothing written', async (_what, key) => {
    const local = await serve(worldWithEncryptedTopic(key));
    const before = resourcesOf(local.world);
    const result = await remediate(local, { TopicArn: topicArn(ACCOUNT_ID, REGION, 'encrypted-alerts'), SubscriptionEndpoint: EMAIL });
    expectFailure(result, /^Step PrepareTopic failed: RemediationError: .*(alias\/aws\/sns|AWS managed).*CloudWatch alarms cannot publish/);
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  it('KmsKeyId alias/aws/sns for a created topic is refused, no topic created', async () => {
    const local = await serve(worldWithEncryptedTopic(undefined));
    const before = resourcesOf(local.world);
    const result = await remediate(local, { KmsKeyId: 'alias/aws/sns', SubscriptionEndpoint: EMAIL });
    expectFailure(result, /^Step PrepareTopic failed: RemediationError: alias\/aws\/sns is an AWS managed key/);
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  it('KmsKeyId naming the AWS managed key by its ARN is refused too (KMS says KeyManager AWS)', async () => {
    const local = await serve(worldWithEncryptedTopic(undefined));
    const result = await remediate(local, { KmsKeyId: AWS_SNS_KEY_ARN });
    expectFailure(result, /^Step PrepareTopic failed: RemediationError: KMS key .* is AWS managed/);
    expect(writes(local.log)).toEqual([]);
    expect(local.log.map((e) => e.action)).toContain('kms:DescribeKey');
  });

  it('with nothing there yet: refused, no topic and no alarm (at most the filter, written before the check)', async () => {
    const local = await serve(bareWorld());
    const result = await remediate(local, { KmsKeyId: 'alias/aws/sns' });
    expectFailure(result, /alias\/aws\/sns is an AWS managed key/);
    // The document checks the key only in PrepareTopic, after CreateMetricFilter (reported as a defect): at most
    // the filter is written.
    expect(['logs:PutMetricFilter']).toEqual(expect.arrayContaining(writes(local.log)));
    expect(accountIn(local.world, ACCOUNT_ID).topics).toEqual([]);
    expect(accountIn(local.world, ACCOUNT_ID).alarms).toEqual([]);
  });
});
