/**
 * A generated organization for the demo, the tests and the bench: accounts in OUs, each with the aggregator's
 * results for the fifteen rules, with annotations in the words the rule writes (README "Example annotations").
 * Deterministic for a given size and seed, so tests can count what the report must show.
 */
import { CONTROL_IDS, type ControlId } from '../controls/control';
import type { DirectoryAccount } from './report';
import { documentedRuleName } from './collect';

export interface SampleResult {
  configRuleName: string;
  accountId: string;
  awsRegion: string;
  complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  annotation: string;
  resultRecordedTime: string;
}

export interface SampleOrganization {
  accounts: DirectoryAccount[];
  results: SampleResult[];
  /** Accounts of the organization the aggregator has no results for (not a source of it). */
  unaggregatedAccountIds: string[];
}

const OUS = ['Security', 'Infrastructure', 'Workloads/Prod', 'Workloads/Dev', 'Sandbox'];
const TEAMS = ['payments', 'search', 'identity', 'data', 'web', 'mobile', 'billing', 'ml', 'ops', 'audit'];

/** Filter names as the remediation creates them (ControlNames.filter: the control id). */
function failure(id: ControlId, kind: number): string {
  switch (kind % 6) {
    case 0:
      return `No trail sends management events to CloudWatch Logs with a metric filter for ${id}; create one (remediation document)`;
    case 1:
      return `Trail main (us-east-1): filter '${id}' -> alarm '${id}-alarm' -> topic security-alerts has only 1 subscription pending confirmation; confirm one`;
    case 2:
      return `Trail main (us-east-1): alarm '${id}-alarm' needs Average >= 5 but one call gives 1; use Sum >= 1`;
    case 3:
      return `Trail main (us-east-1): filter '${id}' also matches events outside the control, so its alarm fires on normal activity; use the CIS pattern`;
    case 4:
      return `Trail main (us-east-1): could not verify: cloudwatch:DescribeAlarmsForMetric on metric CISBenchmark/${id} in us-east-1 failed (AccessDeniedException)`;
    default:
      return 'Trail main (us-east-1): is not logging (StopLogging); start logging';
  }
}

/** A small deterministic generator (mulberry32), so samples need no seed library and repeat exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleOrganization(size: number, options: { seed?: number; regions?: string[]; now?: Date } = {}): SampleOrganization {
  const next = random(options.seed ?? 12);
  const regions = options.regions ?? ['us-east-1'];
  const now = (options.now ?? new Date('2026-03-02T06:00:00Z')).getTime();
  const accounts: DirectoryAccount[] = [];
  const results: SampleResult[] = [];
  const unaggregatedAccountIds: string[] = [];
  for (let i = 0; i < size; i++) {
    const accountId = String(100000000000 + i * 7919).padStart(12, '0');
    const ou = OUS[i % OUS.length]!;
    accounts.push({ accountId, name: `${TEAMS[i % TEAMS.length]}-${ou.split('/').pop()!.toLowerCase()}-${Math.floor(i / TEAMS.length) + 1}`, organizationalUnit: ou });
    // One account in 25 (at least one when there are 20 or more) is not a source of the aggregator.
    if (size >= 20 && i % 25 === 7) {
      unaggregatedAccountIds.push(accountId);
      continue;
    }
    // Accounts differ in maturity: most are compliant on most controls, sandboxes lag, a few fail everywhere.
    const maturity = ou === 'Sandbox' ? 0.45 : ou === 'Security' ? 0.95 : 0.8;
    const orgTrailMember = i % 11 === 3;
    for (const id of CONTROL_IDS) {
      // organizations-changes is evaluated only where Organizations events are seen; a few rules are not deployed yet.
      if (id === 'organizations-changes' && i % 4 === 1) continue;
      for (const awsRegion of regions) {
        const recorded = new Date(now - Math.floor(next() * 36 * 3600_000)).toISOString();
        const base = { configRuleName: documentedRuleName(id), accountId, awsRegion, resultRecordedTime: recorded };
        if (orgTrailMember) {
          results.push({
            ...base,
            complianceType: 'NOT_APPLICABLE',
            annotation: `Trail org-trail (us-east-1): is an organization trail owned by account 999988887777; set OrgTrailReadRoleName to a read role there to verify its filter, alarm and topic`,
          });
        } else if (next() < maturity) {
          results.push({ ...base, complianceType: 'COMPLIANT', annotation: `Trail main (us-east-1): filter '${id}' -> alarm '${id}-alarm' -> topic security-alerts (1 confirmed subscription)` });
        } else {
          results.push({ ...base, complianceType: 'NON_COMPLIANT', annotation: failure(id, Math.floor(next() * 6)) });
        }
      }
    }
  }
  return { accounts, results, unaggregatedAccountIds };
}
