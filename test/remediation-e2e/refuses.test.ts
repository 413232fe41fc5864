/**
 * The real remediation document, run by the local SSM runner against the local AWS, where it must change nothing:
 * accounts already compliant (under any names), and every case it refuses (with the reason), before writing.
 */
import {
  ACCOUNT_ID,
  ALARM_NAME,
  LOG_GROUP_NAME,
  MANAGEMENT_ACCOUNT_ID,
  REGION,
  accountIn,
  cisAlarm,
  cisFilter,
  compliantWorld,
  confirmedEmail,
  organizationWorld,
  topicArn,
  type World,
} from '../support/world';
import {
  EMAIL,
  RUNBOOK,
  bareAccount,
  bareWorld,
  evaluateCopy,
  expectFailure,
  expectSuccess,
  parametersFor,
  planOf,
  pythonMissing,
  remediate,
  resourcesOf,
  runDocument,
  useEmulator,
  withEmulator,
  writes,
  type ParameterValue,
} from './helpers';
import { skipWhen } from '../support/skip';

jest.setTimeout(30_000);

const { describe: suite, title } = skipWhen(pythonMissing());

/** Terraform's CIS baseline: the grouped v2.0 pattern, its own names, namespace and metric, default value 0. */
const TERRAFORM_PATTERN =
  '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }';

function terraformWorld(): World {
  const topic = topicArn(ACCOUNT_ID, REGION, 'tf-cis-alarms');
  return {
    accounts: [
      bareAccount({
        logGroups: [
          {
            name: LOG_GROUP_NAME,
            region: REGION,
            metricFilters: [
              {
                filterName: 'UnauthorizedAPICalls',
                filterPattern: TERRAFORM_PATTERN,
                metricTransformations: [{ metricNamespace: 'TerraformCIS', metricName: 'UnauthorizedApiCallsCount', metricValue: '1', defaultValue: 0 }],
              },
            ],
          },
        ],
        alarms: [cisAlarm(ACCOUNT_ID, REGION, topic, { alarmName: 'tf-unauthorized-api-calls', namespace: 'TerraformCIS', metricName: 'UnauthorizedApiCallsCount' })],
        topics: [{ topicArn: topic, subscriptions: [confirmedEmail(topic)] }],
      }),
    ],
  };
}

suite(title('remediation document end to end: accounts it leaves as they are'), () => {
  const serve = useEmulator();

  it('an equivalent filter and alarm under other names (Terraform): no write call at all, still COMPLIANT', async () => {
    const local = await serve(terraformWorld());
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(planOf(result)).toMatchObject({
      FilterAction: 'keep',
      FilterName: 'UnauthorizedAPICalls',
      MetricNamespace: 'TerraformCIS',
      MetricName: 'UnauthorizedApiCallsCount',
      AlarmAction: 'keep',
      AlarmName: 'tf-unauthorized-api-calls',
      Compliant: true,
    });
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
  });

  it('compliantWorld: no write call at all, the rule still COMPLIANT', async () => {
    const local = await serve(compliantWorld());
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectSuccess(result);
    expect(planOf(result)).toMatchObject({ FilterName: RUNBOOK.filterName, AlarmName: ALARM_NAME, Compliant: true });
    expect(result.outputs['VerifyChain.Result']).toMatchObject({ Confirmed: true });
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
    expect((await evaluateCopy(local.world)).complianceType).toBe('COMPLIANT');
  });

  it('runs with only the emulator keys: the parent AWS_* variables (profile, session token, endpoint) do not reach it', async () => {
    const names = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE'] as const;
    const saved = names.map((n) => process.env[n]);
    process.env.AWS_PROFILE = 'no-such-profile';
    process.env.AWS_SESSION_TOKEN = 'not-a-token';
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    try {
      const local = await serve(compliantWorld());
      expectSuccess(await remediate(local));
    } finally {
      names.forEach((n, i) => {
        const value = saved[i];
        if (value === undefined) delete process.env[n];
        else process.env[n] = value;
      });
    }
  });
});

suite(title('remediation document end to end: what it refuses, before writing'), () => {
  const serve = useEmulator();

  it('a member account that only sees an organization trail: fails naming the owner account', async () => {
    const local = await serve(organizationWorld());
    const before = [resourcesOf(local.world, ACCOUNT_ID), resourcesOf(local.world, MANAGEMENT_ACCOUNT_ID)];
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectFailure(
      result,
      `Step DiscoverChain failed: RemediationError: No trail qualifies, so there is nothing to attach a metric filter to; fix this first: trail org-trail is an organization trail owned by account ${MANAGEMENT_ACCOUNT_ID}; remediate it there`,
    );
    expect(writes(local.log)).toEqual([]);
    expect(local.log.every((e) => e.accountId === ACCOUNT_ID)).toBe(true);
    expect([resourcesOf(local.world, ACCOUNT_ID), resourcesOf(local.world, MANAGEMENT_ACCOUNT_ID)]).toEqual(before);
  });

  it("a filter with the runbook's FilterName that does not catch unauthorized calls: fails naming it, not overwritten", async () => {
    const world = bareWorld();
    // CIS v1.3-v1.5: every term joined by ||, so it matches nearly every record.
    const broad = cisFilter({
      filterName: RUNBOOK.filterName,
      filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    });
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(broad);
    const local = await serve(world);
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectFailure(
      result,
      `Step DiscoverChain failed: RemediationError: A metric filter named ${RUNBOOK.filterName} already exists on ${LOG_GROUP_NAME} and does not catch unauthorized calls; fix it or choose another FilterName`,
    );
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  it("a broad filter already feeding the runbook's metric: fails naming it and the metric, nothing written", async () => {
    const world = bareWorld();
    const broad = cisFilter({
      filterName: 'legacy-cis-1.3',
      filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    });
    accountIn(world, ACCOUNT_ID).logGroups[0]!.metricFilters.push(broad);
    const local = await serve(world);
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    // A CIS filter on that metric would share its alarm with a filter matching successful calls.
    expectFailure(result, /^Step DiscoverChain failed: RemediationError: .*CISBenchmark\/UnauthorizedAPICalls.*legacy-cis-1\.3/);
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  it("an alarm with the runbook's AlarmName that it did not create: fails, not overwritten", async () => {
    const world = bareWorld();
    const account = accountIn(world, ACCOUNT_ID);
    account.logGroups[0]!.metricFilters.push(cisFilter());
    // Someone's alarm, on another metric, under the name the runbook would use.
    account.alarms.push(cisAlarm(ACCOUNT_ID, REGION, topicArn(ACCOUNT_ID, REGION, 'ops'), { alarmName: RUNBOOK.alarmName, metricName: 'RootAccountUsage' }));
    const local = await serve(world);
    const before = resourcesOf(local.world);
    const result = await remediate(local, { SubscriptionEndpoint: EMAIL });
    expectFailure(
      result,
      `Step DiscoverChain failed: RemediationError: An alarm named ${RUNBOOK.alarmName} already exists and was not created by this runbook; choose another AlarmName`,
    );
    expect(writes(local.log)).toEqual([]);
    expect(resourcesOf(local.world)).toEqual(before);
  });

  it('AccountId not the account the automation runs in: fails on the first call', async () => {
    const local = await serve(bareWorld());
    const result = await remediate(local, { AccountId: '444455556666', SubscriptionEndpoint: EMAIL });
    expectFailure(result, `Step DiscoverChain failed: RemediationError: This automation runs in account ${ACCOUNT_ID}, not 444455556666`);
    expect(local.log.map((e) => e.action)).toEqual(['sts:GetCallerIdentity']);
  });

  const invalid: Array<[string, Record<string, ParameterValue>, RegExp]> = [
    ['AccountId too short', { AccountId: '12345' }, /^parameter AccountId: '12345' does not match/],
    ['AccountId with letters', { AccountId: '11112222333a' }, /^parameter AccountId: .* does not match/],
    // \d is ASCII in SSM's (Java) patterns; Python's would accept these Arabic-Indic digits.
    ['AccountId in non-ASCII digits', { AccountId: '١١١١٢٢٢٢٣٣٣٣' }, /^parameter AccountId: .* does not match/],
    ['AccountId as a number, not a String', { AccountId: 111122223333 }, /^parameter AccountId: 111122223333 is not of type String/],
    ['KmsKeyId not a key', { KmsKeyId: 'my key' }, /^parameter KmsKeyId: 'my key' does not match/],
    ['KmsKeyId a key ARN without id', { KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/` }, /^parameter KmsKeyId: .* does not match/],
    ['KmsKeyId an upper-case key id', { KmsKeyId: '1234ABCD-12AB-34CD-56EF-1234567890AB' }, /^parameter KmsKeyId: .* does not match/],
    ['TopicArn not an SNS ARN', { TopicArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:alerts` }, /^parameter TopicArn: .* does not match/],
    ['SubscriptionProtocol sms', { SubscriptionProtocol: 'sms' }, /^parameter SubscriptionProtocol: 'sms' is not one of/],
    ['SubscriptionEndpoint not an address', { SubscriptionEndpoint: 'security at example.com' }, /^parameter SubscriptionEndpoint: .* does not match/],
    ['FilterName with a colon', { FilterName: 'cis:unauthorized' }, /^parameter FilterName: .* does not match/],
    ['an unknown parameter', { LogGroupName: 'x' }, /^unknown parameters: LogGroupName$/],
  ];

  // Each run only starts Python and stops at the parameter check: run side by side.
  it.concurrent.each(invalid)('%s: fails from the parameter check before any call', (_what, extra, message) =>
    withEmulator(bareWorld(), async (local) => {
      const result = await runDocument(local, ACCOUNT_ID, { ...parametersFor(ACCOUNT_ID), ...extra });
      expectFailure(result, message);
      expect(result.steps).toEqual([]);
      expect(local.log).toEqual([]);
    }),
  );

  it.concurrent('AccountId missing: fails as a required parameter, before any call', () =>
    withEmulator(bareWorld(), async (local) => {
      const { AccountId: _omitted, ...rest } = parametersFor(ACCOUNT_ID);
      const result = await runDocument(local, ACCOUNT_ID, rest);
      expectFailure(result, /^parameter AccountId is required$/);
      expect(local.log).toEqual([]);
    }),
  );
});
