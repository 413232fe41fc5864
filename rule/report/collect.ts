/**
 * The report's reads (imperative shell): the compliance an AWS Config aggregator holds for this project's rules.
 *
 * DescribeAggregateComplianceByConfigRules lists one entry per rule, account and region, without annotation;
 * GetAggregateComplianceDetailsByConfigRule needs that rule, account and region and gives the annotation and the
 * times (AWS Config API Reference, both operations: AccountId and AwsRegion are required members of the details
 * request). So the report makes one listing, then one details listing per cell and region, a few at a time.
 *
 * Every listing stops on a page token seen before or past MAX_PAGES pages, like the rule's reader; throttling is
 * retried by the one client configuration (client-config.ts). Failures are values: the summary's failure stops the
 * report (it has nothing to show), a details failure leaves its cell with the summary's compliance type and says
 * why its annotation is missing.
 */
import {
  paginateDescribeAggregateComplianceByConfigRules,
  paginateGetAggregateComplianceDetailsByConfigRule,
  type AggregateComplianceByConfigRule,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { collectPages, ListingError } from '../collect/pages';
import { controlById } from '../controls/catalogue';
import { CONTROL_IDS, type ControlId } from '../controls/control';
import type { CallFailure, Fetched } from '../snapshot';
import type { AggregatedEvaluation, ReportControl } from './report';

/** The IAM actions the report calls (deploy/iam/report-policy.json grants exactly these). */
export const REPORT_ACTIONS = {
  describeAggregateComplianceByConfigRules: 'config:DescribeAggregateComplianceByConfigRules',
  getAggregateComplianceDetailsByConfigRule: 'config:GetAggregateComplianceDetailsByConfigRule',
} as const;

/** Largest pages the APIs allow: 1,000 summaries, 100 evaluation results (the models' Limit ranges). */
const SUMMARY_PAGE = 1000;
const DETAILS_PAGE = 100;
/** Details listings in flight at once: enough to hide latency, few enough that adaptive retries settle throttling. */
export const DETAILS_CONCURRENCY = 8;

/** The documented Config rule name of a control: the catalogue's ControlNames.configRule, `<id>-monitored`. */
export function documentedRuleName(id: ControlId): string {
  return controlById(id).names.configRule;
}

/**
 * Whether `ruleName` is the rule of control `id`: its documented name after `prefix`, alone or followed by `-` and
 * a suffix (a deployment that adds one). Ids never extend one another by `-monitored`, so one rule has one control.
 */
export function ruleServes(ruleName: string, id: ControlId, prefix: string): boolean {
  const name = `${prefix}${documentedRuleName(id)}`;
  return ruleName === name || ruleName.startsWith(`${name}-`);
}

/** A column's title: the control's number in CIS v1.3-v5.0 (as the README names 4.1) and its subject. */
export function controlTitle(id: ControlId): string {
  const control = controlById(id);
  return `${control.cisNumbers['v1.3-v5.0']} ${control.subject}`;
}

export interface CollectOptions {
  client: ConfigServiceClient;
  aggregatorName: string;
  /** `--rules PREFIX`: rule names are PREFIX + `<id>-monitored`; default none. */
  rulePrefix?: string;
}

export interface Collected {
  controls: ReportControl[];
  evaluations: AggregatedEvaluation[];
  notes: string[];
  /** Pages read, summary and details: the report's cost in calls. */
  pages: number;
}

/** Reads the aggregator's results for the rules of the family; a failure when the summary cannot be read or holds none of them. */
export async function collectAggregate(options: CollectOptions): Promise<Fetched<Collected>> {
  const { client, aggregatorName } = options;
  const prefix = options.rulePrefix ?? '';
  let pages = 0;
  const summary = await listAll(
    REPORT_ACTIONS.describeAggregateComplianceByConfigRules,
    `aggregator ${aggregatorName}`,
    paginateDescribeAggregateComplianceByConfigRules({ client, pageSize: SUMMARY_PAGE }, { ConfigurationAggregatorName: aggregatorName }),
    (page) => page.NextToken,
  );
  if (!summary.ok) return summary;
  pages += summary.value.length;
  const entries = summary.value.flatMap((page) => page.AggregateComplianceByConfigRules ?? []);

  const notes: string[] = [];
  const controls: ReportControl[] = [];
  for (const id of CONTROL_IDS) {
    const names = [...new Set(entries.map((e) => e.ConfigRuleName ?? '').filter((name) => ruleServes(name, id, prefix)))].sort();
    const [chosen, ...others] = names;
    if (chosen === undefined) continue;
    if (others.length > 0) notes.push(`control ${id} has ${names.length} rules in the aggregator; the report shows ${chosen} (not ${others.join(', ')})`);
    controls.push({ id, configRuleName: chosen, title: controlTitle(id) });
  }
  if (controls.length === 0) {
    const wanted = prefix === '' ? '<control>-monitored' : `${prefix}<control>-monitored`;
    return failure(
      REPORT_ACTIONS.describeAggregateComplianceByConfigRules,
      `aggregator ${aggregatorName}`,
      'NoSuchConfigRule',
      `the aggregator holds no rule named ${wanted} (${entries.length} results of other rules); give the rules' name prefix with --rules`,
    );
  }
  const missing = CONTROL_IDS.filter((id) => !controls.some((c) => c.id === id));
  if (missing.length > 0) notes.push(`no rule in the aggregator for ${missing.length} control(s), left out: ${missing.join(', ')}`);

  const wanted = new Set(controls.map((c) => c.configRuleName));
  const cells = entries.filter((e): e is Required<Pick<AggregateComplianceByConfigRule, 'ConfigRuleName' | 'AccountId' | 'AwsRegion'>> & AggregateComplianceByConfigRule =>
    wanted.has(e.ConfigRuleName ?? '') && e.AccountId !== undefined && e.AwsRegion !== undefined,
  );
  const evaluations: AggregatedEvaluation[] = [];
  let detailFailures = 0;
  await inParallel(cells, DETAILS_CONCURRENCY, async (entry) => {
    const summaryType = entry.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA';
    const details = await listAll(
      REPORT_ACTIONS.getAggregateComplianceDetailsByConfigRule,
      `rule ${entry.ConfigRuleName} of account ${entry.AccountId} in ${entry.AwsRegion}`,
      paginateGetAggregateComplianceDetailsByConfigRule(
        { client, pageSize: DETAILS_PAGE },
        { ConfigurationAggregatorName: aggregatorName, ConfigRuleName: entry.ConfigRuleName, AccountId: entry.AccountId, AwsRegion: entry.AwsRegion },
      ),
      (page) => page.NextToken,
    );
    const base = { configRuleName: entry.ConfigRuleName, accountId: entry.AccountId, awsRegion: entry.AwsRegion };
    if (!details.ok) {
      detailFailures++;
      const f = details.failure;
      evaluations.push({ ...base, complianceType: summaryType, annotation: `${summaryType} per the aggregator's summary; could not read its annotation: ${f.action} failed (${f.code})` });
      return;
    }
    pages += details.value.length;
    // The rule evaluates the account itself (AWS::::Account, resource id = account id).
    const results = details.value.flatMap((page) => page.AggregateEvaluationResults ?? []);
    const own = results.filter((r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceType === 'AWS::::Account');
    if (own.length === 0) {
      evaluations.push({ ...base, complianceType: summaryType, annotation: `${summaryType} per the aggregator's summary; it holds no AWS::::Account evaluation result` });
      return;
    }
    for (const r of own) {
      const evaluation: AggregatedEvaluation = { ...base, complianceType: r.ComplianceType ?? summaryType };
      if (r.Annotation !== undefined) evaluation.annotation = r.Annotation;
      if (r.ResultRecordedTime !== undefined) evaluation.resultRecordedTime = r.ResultRecordedTime.toISOString();
      evaluations.push(evaluation);
    }
  });
  if (detailFailures > 0) notes.push(`the annotations of ${detailFailures} cell region(s) could not be read; their compliance is the aggregator's summary`);
  // Deterministic order whatever the completion order of the parallel reads.
  evaluations.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.configRuleName.localeCompare(b.configRuleName) || a.awsRegion.localeCompare(b.awsRegion));
  return { ok: true, value: { controls, evaluations, notes, pages } };
}

/** All pages of a paginator (pages.ts's guards), or the failure that ended it: an AWS error, a repeated token, too many pages. */
export async function listAll<T>(action: string, resource: string, pages: AsyncIterable<T>, nextToken: (page: T) => string | undefined): Promise<Fetched<T[]>> {
  try {
    return { ok: true, value: await collectPages(pages, { tokenName: 'NextToken', nextToken }) };
  } catch (error) {
    if (error instanceof ListingError) return failure(action, resource, error.code, error.message);
    const code = (error as { name?: unknown }).name;
    const message = (error as { message?: unknown }).message;
    return failure(action, resource, typeof code === 'string' ? code : 'Error', typeof message === 'string' ? message : '');
  }
}

export function failure(action: string, resource: string, code: string, message: string): { ok: false; failure: CallFailure } {
  return { ok: false, failure: { action, resource, code, message } };
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
