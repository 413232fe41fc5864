/**
 * A local AWS world for a generated organization (rule/report/sample-organization.ts): an aggregator in the audit
 * account holding every account's results for the fifteen rules, and the organization with its account names and
 * OUs, which the audit account may read as a delegated administrator. Used by `npm start`, the report's tests and
 * its bench.
 */
import { sampleOrganization, type SampleOrganization } from '../../rule/report/sample-organization';
import type { World } from '../local-aws/state';

export const AUDIT_ACCOUNT_ID = '999900001111';
export const MANAGEMENT_ACCOUNT_ID = '999900000000';
export const AGGREGATOR = 'organization';
export const AGGREGATOR_REGION = 'us-east-1';

export function organizationWorld(sample: SampleOrganization): World {
  const units = new Map<string, string[]>();
  for (const a of sample.accounts) if (a.organizationalUnit !== undefined) units.set(a.organizationalUnit, [...(units.get(a.organizationalUnit) ?? []), a.accountId]);
  return {
    organization: {
      managementAccountId: MANAGEMENT_ACCOUNT_ID,
      memberAccountIds: [AUDIT_ACCOUNT_ID, ...sample.accounts.map((a) => a.accountId)],
      delegatedAdministratorAccountIds: [AUDIT_ACCOUNT_ID],
      accountNames: Object.fromEntries<string>([
        [AUDIT_ACCOUNT_ID, 'audit'],
        [MANAGEMENT_ACCOUNT_ID, 'management'],
        ...sample.accounts.map((a): [string, string] => [a.accountId, a.name ?? a.accountId]),
      ]),
      organizationalUnits: [{ path: 'Security', accountIds: [AUDIT_ACCOUNT_ID] }, ...[...units].map(([path, accountIds]) => ({ path, accountIds }))],
    },
    accounts: [{ accountId: AUDIT_ACCOUNT_ID, trails: [], logGroups: [], alarms: [], topics: [] }],
    configurationAggregators: [{ name: AGGREGATOR, accountId: AUDIT_ACCOUNT_ID, region: AGGREGATOR_REGION, results: sample.results }],
  };
}

export function sampleWorld(size: number, regions?: string[]): { sample: SampleOrganization; world: World } {
  const sample = sampleOrganization(size, regions ? { regions } : {});
  return { sample, world: organizationWorld(sample) };
}
