/**
 * What a CIS "Monitoring" control is, as data: its numbers in every CIS version, the texts CIS and Security Hub
 * print for its metric filter, and the policy the judge holds every pattern to. The catalogue (catalogue.ts) holds
 * one entry per control; everything else (judge, chain, CLI, rule parameters, remediation, deployment) reads it,
 * so adding a control is adding one entry. Source of every fact: ../shared/FAMILY.md (cited per entry).
 */

/** Short ids of FAMILY.md §1, in CIS order. */
export const CONTROL_IDS = [
  'unauthorized-api-calls',
  'console-signin-without-mfa',
  'root-usage',
  'iam-policy-changes',
  'cloudtrail-config-changes',
  'console-auth-failures',
  'cmk-disable-or-scheduled-deletion',
  's3-bucket-policy-changes',
  'aws-config-changes',
  'security-group-changes',
  'nacl-changes',
  'network-gateway-changes',
  'route-table-changes',
  'vpc-changes',
  'organizations-changes',
] as const;

export type ControlId = (typeof CONTROL_IDS)[number];

export const DEFAULT_CONTROL: ControlId = 'unauthorized-api-calls';

/** CIS AWS Foundations Benchmark versions with a Monitoring section, oldest first. */
export const CIS_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '2.0', '3.0', '4.0', '5.0', '6.0', '7.0'] as const;
export type CisVersion = (typeof CIS_VERSIONS)[number];
/** The policy judged by default: the newest text (FAMILY.md §3.2 rule 8). */
export const NEWEST_CIS_VERSION: CisVersion = '7.0';

/** A metric filter pattern as CIS or Security Hub prints it for a control. */
export interface PublishedPattern {
  /**
   * Stable id, unique within the control, used by strict mode and by `sameMatchesAs`: `cis-<first version>` for CIS
   * texts (`cis-1.2`, `cis-1.3`, `cis-2.0`, `cis-5.0`, ...; a suffix when one version prints two, e.g.
   * `cis-2.0-sso`), `securityhub` for Security Hub's current text, `securityhub-<year>` for an earlier one.
   */
  id: string;
  /** For people: "CIS v1.3-v1.5", "Security Hub CloudWatch.3 (before 2022-05-19)". */
  name: string;
  source: 'cis' | 'securityhub';
  /** CIS versions that print it (empty for Security Hub texts). */
  versions: CisVersion[];
  text: string;
  /** Set when FAMILY.md says the text is broken: why, in one clause (the judge must reject it with a record). */
  broken?: string;
}

/** A set of CloudTrail records, written as a CloudWatch Logs JSON filter pattern, from a given CIS version on. */
export interface VersionedPattern {
  since: CisVersion;
  pattern: string;
}

/**
 * The semantic policy of FAMILY.md §3: FLOOR (records every accepted pattern must match), CEILING (records none may
 * match; switched off by AllowBroadFilterPattern), MAY (everything else). Both sets are written in the filter
 * pattern language itself, so the judge decides them with the same search and the remediation's witness records
 * are drawn from them.
 */
export interface ControlPolicy {
  /** By CIS version; the entry with the greatest `since` not after the judged version applies. */
  floor: VersionedPattern[];
  ceiling: string;
  /** Words for verdicts: "unauthorized calls", "console sign-ins without MFA". */
  floorNoun: string;
  /** One record of the floor, singular: "unauthorized call". */
  floorRecordNoun: string;
  /** Words for the ceiling: "successful calls", "sign-ins with MFA or other events". */
  ceilingNoun: string;
  ceilingRecordNoun: string;
  /** What the floor is, for accepted verdicts: "errorCode *UnauthorizedOperation or AccessDenied*, except ...". */
  floorDefinition: string;
  /** The ceiling's name in "(allowed: the <ceilingCheck> is off)": "successful-call check". */
  ceilingCheck: string;
}

/** Names of what this project deploys and creates for a control (Config rule, metric filter, metric, alarm). */
export interface ControlNames {
  /** The Config rule name, shown in the Config dashboard: `<id>-monitored`. */
  configRule: string;
  filter: string;
  metricNamespace: string;
  metric: string;
  alarm: string;
}

export interface Control {
  id: ControlId;
  /** "Unauthorized API calls" */
  subject: string;
  /** CIS numbers: v1.2, v1.3-v5.0, v6.0-v7.0 (absent where the control does not exist in that version). */
  cisNumbers: { 'v1.2'?: string; 'v1.3-v5.0': string; 'v6.0-v7.0': string };
  /** Security Hub control id, e.g. CloudWatch.2; absent for organizations-changes. */
  securityHubId?: string;
  /** Every text CIS printed (one entry per change) and Security Hub's texts, oldest first. */
  patterns: PublishedPattern[];
  policy: ControlPolicy;
  /**
   * Event sources whose management events the control reads: a trail that excludes one of them cannot serve it
   * (Security Hub CloudWatch.7 fails on kms.amazonaws.com). Empty when the control spans every service.
   */
  eventSources: string[];
  names: ControlNames;
  /** Where the project departs from the CIS text and why (README table); empty when it does not. */
  departures: string;
}
