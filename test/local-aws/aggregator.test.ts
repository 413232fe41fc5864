/**
 * The local AWS's aggregator (services/config-aggregator.ts) through the real SDK: it shows what the rule wrote
 * through PutEvaluations, the latest per resource, and reads its results once for a whole report rather than once
 * per call (a report of 1,000 accounts makes 15,000 details calls).
 */
import {
  ConfigServiceClient,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import type { AggregatedResultState } from '../../devtools/local-aws/state';
import { collectAggregate } from '../../rule/report/collect';
import { sampleOrganization } from '../../rule/report/sample-organization';
import { AGGREGATOR, AGGREGATOR_REGION, AUDIT_ACCOUNT_ID, organizationWorld } from '../../devtools/demo/organization';
import { clientConfig, useLocalAws } from './helpers';

describe('local AWS aggregator', () => {
  const serve = useLocalAws();

  it('reads its results once for a whole report, not once per call', async () => {
    const sample = sampleOrganization(30);
    const world = organizationWorld(sample);
    // Counts every read of a result: a call that re-reads every result makes the report quadratic.
    let reads = 0;
    world.configurationAggregators![0]!.results = new Proxy<AggregatedResultState[]>(sample.results, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const local = await serve(world, { pageSize: 1000 });
    const client = new ConfigServiceClient(clientConfig(local, AUDIT_ACCOUNT_ID, AGGREGATOR_REGION));
    const collected = await collectAggregate({ client, aggregatorName: AGGREGATOR });
    expect(collected.ok && collected.value.evaluations).toHaveLength(sample.results.length);
    const calls = local.log.length;
    expect(calls).toBeGreaterThan(sample.results.length);
    expect(reads / sample.results.length).toBeLessThanOrEqual(2);
  });

  it("shows the latest evaluation the rule wrote through PutEvaluations, TestMode aside, once the result token's rule is known", async () => {
    const member = '123456789012';
    const world = organizationWorld({ accounts: [], results: [], unaggregatedAccountIds: [] });
    world.accounts.push({ accountId: member, trails: [], logGroups: [], alarms: [], topics: [] });
    world.configurationAggregators![0]!.ruleOfResultToken = { 'token-root': 'root-usage-monitored' };
    const local = await serve(world);
    const rule = new ConfigServiceClient(clientConfig(local, member, AGGREGATOR_REGION));
    const audit = new ConfigServiceClient(clientConfig(local, AUDIT_ACCOUNT_ID, AGGREGATOR_REGION));
    const put = (complianceType: 'COMPLIANT' | 'NON_COMPLIANT', at: string, testMode = false) =>
      rule.send(
        new PutEvaluationsCommand({
          ResultToken: 'token-root',
          TestMode: testMode,
          Evaluations: [{ ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: member, ComplianceType: complianceType, Annotation: `${complianceType} at ${at}`, OrderingTimestamp: new Date(at) }],
        }),
      );
    const details = async () => {
      const answer = await audit.send(
        new GetAggregateComplianceDetailsByConfigRuleCommand({ ConfigurationAggregatorName: AGGREGATOR, ConfigRuleName: 'root-usage-monitored', AccountId: member, AwsRegion: AGGREGATOR_REGION }),
      );
      return (answer.AggregateEvaluationResults ?? []).map((r) => r.Annotation);
    };
    await put('NON_COMPLIANT', '2026-03-01T00:00:00Z');
    expect(await details()).toEqual(['NON_COMPLIANT at 2026-03-01T00:00:00Z']);
    // Written after the aggregator was read: seen all the same.
    await put('COMPLIANT', '2026-03-02T00:00:00Z');
    await put('NON_COMPLIANT', '2026-03-03T00:00:00Z', true);
    expect(await details()).toEqual(['COMPLIANT at 2026-03-02T00:00:00Z']);
  });
});
