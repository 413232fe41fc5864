/**
 * `report` against the local AWS's aggregator, through the real SDK: the numbers it prints are those of the
 * aggregator's data, pages are followed, throttling is retried, and what cannot be read is said, never compliant.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { CliIo } from '../../rule/cli';
import { CouldNotRunError, UsageError } from '../../rule/cli-errors';
import { controlTitle } from '../../rule/report/collect';
import { reportCommand, type ReportDependencies } from '../../rule/cli-report';
import type { ControlId } from '../../rule/controls/control';
import type { Report } from '../../rule/report/report';
import type { LocalAws } from '../../devtools/local-aws/server';
import type { World } from '../../devtools/local-aws/state';
import { clientConfig, useLocalAws } from '../local-aws/helpers';
import { AGGREGATOR, AUDIT_ACCOUNT_ID, sampleWorld } from '../../devtools/demo/organization';

function io(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cliIo: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`);
      return text;
    },
    readStdin: async () => '',
    isTty: false,
    env: {},
    nodeVersion: process.version,
  };
  return { cliIo, out, err };
}

function deps(local: LocalAws, written: Record<string, string> = {}): ReportDependencies {
  return {
    configClient: (region) => new ConfigServiceClient(clientConfig(local, AUDIT_ACCOUNT_ID, region)),
    organizationsClient: (region) => new OrganizationsClient(clientConfig(local, AUDIT_ACCOUNT_ID, region)),
    writeFile: async (path, text) => {
      written[path] = text;
    },
    now: () => new Date('2026-03-02T07:00:00Z'),
  };
}

describe('report on the local AWS aggregator', () => {
  const serve = useLocalAws();

  it('builds the matrix of 24 accounts x 15 controls from every page, with the aggregator numbers', async () => {
    const { sample, world } = sampleWorld(24, ['us-east-1', 'eu-west-1']);
    const local = await serve(world, { pageSize: 7 });
    const { cliIo, out } = io();
    const status = await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--format', 'json'], cliIo, deps(local));
    const report = JSON.parse(out.join('')) as Report;
    expect(status).toBe(1);
    expect(report.controls).toHaveLength(15);
    // Every account of the organization, with its name and OU; the audit and management accounts too, whose cells no rule fills.
    expect(report.accounts).toHaveLength(24 + 2);
    for (const account of sample.accounts) expect(report.accounts).toContainEqual(expect.objectContaining({ accountId: account.accountId, name: account.name, organizationalUnit: account.organizationalUnit }));
    for (const id of sample.unaggregatedAccountIds) expect(report.cells.filter((c) => c.accountId === id).every((c) => c.complianceType === 'NOT_VISIBLE')).toBe(true);
    for (const cell of report.cells) {
      const results = sample.results.filter((r) => r.accountId === cell.accountId && r.configRuleName === `${cell.controlId}-monitored`);
      if (results.length === 0) {
        expect(cell.complianceType).toBe('NOT_VISIBLE');
        continue;
      }
      const types = new Set(results.map((r) => r.complianceType));
      expect(cell.complianceType).toBe(types.has('NON_COMPLIANT') ? 'NON_COMPLIANT' : types.has('NOT_APPLICABLE') ? 'NOT_APPLICABLE' : 'COMPLIANT');
      expect(cell.regions.map((r) => r.annotation).sort()).toEqual(results.map((r) => r.annotation).sort());
    }
    const calls = local.log.filter((e) => e.action === 'config:GetAggregateComplianceDetailsByConfigRule');
    expect(calls).toHaveLength(sample.results.length);
    expect(report.notes).toEqual([expect.stringMatching(/^3 account\(s\) of the organization have no evaluation in the aggregator/)]);
  });

  it('retries throttled reads', async () => {
    const { world } = sampleWorld(3);
    world.faults = { throttle: [{ action: 'config:*', count: 3 }] };
    const local = await serve(world);
    const { cliIo, out } = io();
    const status = await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1'], cliIo, deps(local));
    expect(status).toBe(1);
    expect(out.join('')).toContain('Aggregator organization at 2026-03-02T07:00:00.000Z: 5 accounts x 15 controls');
    expect(local.log.filter((e) => e.errorCode === 'ThrottlingException')).toHaveLength(3);
  });

  it('says which cells lack their annotation when the details are denied, keeping the summary compliance', async () => {
    const { world } = sampleWorld(2);
    world.faults = { deny: [{ action: 'config:GetAggregateComplianceDetailsByConfigRule' }] };
    const local = await serve(world);
    const { cliIo, out } = io();
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--format', 'json'], cliIo, deps(local));
    const report = JSON.parse(out.join('')) as Report;
    expect(report.cells[0]!.annotation).toMatch(/per the aggregator's summary; could not read its annotation: config:GetAggregateComplianceDetailsByConfigRule failed \(AccessDeniedException\)$/);
    expect(report.notes.join(' ')).toContain('could not be read');
  });

  it('could not run: an unknown aggregator, a summary that pages in a loop, no region, no aggregator', async () => {
    const { world } = sampleWorld(3);
    const local = await serve(world, { pageSize: 5 });
    await expect(reportCommand(['--aggregator', 'nope', '--region', 'us-east-1'], io().cliIo, deps(local))).rejects.toThrow(
      /config:DescribeAggregateComplianceByConfigRules on aggregator nope failed \(NoSuchConfigurationAggregatorException\)/,
    );
    world.faults = { repeatNextToken: [{ action: 'config:DescribeAggregateComplianceByConfigRules' }] };
    await expect(reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1'], io().cliIo, deps(local))).rejects.toThrow(/\(PaginationLoop\)/);
    await expect(reportCommand(['--aggregator', AGGREGATOR], io().cliIo, deps(local))).rejects.toThrow(CouldNotRunError);
    await expect(reportCommand(['--region', 'us-east-1'], io().cliIo, deps(local))).rejects.toThrow(UsageError);
  });

  it('finds rules by --rules prefix and says when none is there', async () => {
    const { sample, world } = sampleWorld(2);
    world.configurationAggregators![0]!.results = sample.results.map((r) => ({ ...r, configRuleName: `OrgConfigRule-${r.configRuleName}-abc123` }));
    const local = await serve(world);
    await expect(reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1'], io().cliIo, deps(local))).rejects.toThrow(
      /holds no rule named <control>-monitored .*give the rules' name prefix with --rules/,
    );
    const { cliIo, out } = io();
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--rules', 'OrgConfigRule-', '--format', 'csv'], cliIo, deps(local));
    expect(out.join('')).toContain(',root-usage,OrgConfigRule-root-usage-monitored-abc123,');
  });

  it('writes the HTML page and compares with an earlier report (--since)', async () => {
    const { sample, world } = sampleWorld(3);
    const local = await serve(world);
    const first = io();
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--format', 'json'], first.cliIo, deps(local));
    const changed = sample.results.find((r) => r.complianceType === 'COMPLIANT')!;
    changed.complianceType = 'NON_COMPLIANT';
    changed.annotation = 'Trail main (us-east-1): alarm deleted';
    const written: Record<string, string> = {};
    const second = io({ 'last-week.json': first.out.join('') });
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--since', 'last-week.json', '--html', 'report.html'], second.cliIo, deps(local, written));
    expect(second.out.join('')).toContain('1 cell(s) changed');
    expect(second.out.join('')).toContain(`${changed.accountId} ${controlTitle(changed.configRuleName.replace(/-monitored$/, '') as ControlId)}: NON_COMPLIANT (was COMPLIANT) Trail main (us-east-1): alarm deleted`);
    expect(second.err.join('')).toBe('wrote report.html\n');
    expect(written['report.html']).toContain('1 cell(s) changed (outlined)');
  });

  it.each([
    ['denied', (world: World) => (world.faults = { deny: [{ action: 'organizations:ListAccountsForParent' }] }), /organizations:ListAccountsForParent failed \(AccessDeniedException\); only the organization's management account or a delegated administrator/],
    ['not in an organization', (world: World) => delete world.organization, /organizations:ListRoots failed \(AWSOrganizationsNotInUseException\); the account is not in an organization/],
  ])('without the organization (%s), shows the accounts the aggregator knows and says why names and OUs are missing', async (_what, change, note) => {
    const { sample, world } = sampleWorld(24);
    change(world);
    const local = await serve(world);
    const { cliIo, out } = io();
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--format', 'json'], cliIo, deps(local));
    const report = JSON.parse(out.join('')) as Report;
    expect(report.accounts).toHaveLength(24 - sample.unaggregatedAccountIds.length);
    expect(report.accounts.every((a) => a.name === undefined && a.organizationalUnit === undefined)).toBe(true);
    expect(report.notes).toEqual([expect.stringMatching(note)]);
  });

  it('walks the organization in a page per 20 accounts of an OU and two per OU, nested OUs by their path', async () => {
    const { world } = sampleWorld(60);
    const local = await serve(world, { pageSize: 20 });
    const { cliIo, out } = io();
    await reportCommand(['--aggregator', AGGREGATOR, '--region', 'us-east-1', '--format', 'json'], cliIo, deps(local));
    const report = JSON.parse(out.join('')) as Report;
    expect(new Set(report.accounts.map((a) => a.organizationalUnit))).toEqual(new Set(['Security', 'Infrastructure', 'Workloads/Prod', 'Workloads/Dev', 'Sandbox', 'Root']));
    const calls = local.log.filter((e) => e.service === 'organizations');
    // ListRoots, then per parent (root, 6 OUs) one OU listing and the account pages (12 or 13 accounts per OU: one page each).
    expect(calls).toHaveLength(1 + 7 * 2);
  });
});
