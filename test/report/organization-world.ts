/** A local AWS world holding an aggregator with a generated organization's results, for the report's tests and bench. */
import type { World } from '../../devtools/local-aws/state';
import { sampleOrganization, type SampleOrganization } from '../../rule/report/sample-organization';

export const AUDIT_ACCOUNT_ID = '999900001111';
export const AGGREGATOR = 'organization';
export const AGGREGATOR_REGION = 'us-east-1';

export function organizationWorld(sample: SampleOrganization): World {
  return {
    accounts: [{ accountId: AUDIT_ACCOUNT_ID, trails: [], logGroups: [], alarms: [], topics: [] }],
    configurationAggregators: [{ name: AGGREGATOR, accountId: AUDIT_ACCOUNT_ID, region: AGGREGATOR_REGION, results: sample.results }],
  };
}

export function sampleWorld(size: number, regions?: string[]): { sample: SampleOrganization; world: World } {
  const sample = sampleOrganization(size, regions ? { regions } : {});
  return { sample, world: organizationWorld(sample) };
}
