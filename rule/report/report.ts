/**
 * The organization compliance report's functional core: from the evaluations an AWS Config aggregator holds for the
 * rules of this project (one per control) and, where readable, the organization's accounts, the matrix accounts x
 * controls with counts, and its comparison with an earlier report. No I/O here: collect.ts reads, render*.ts print.
 *
 * A cell the aggregator holds no evaluation for (the account or region is not a source of the aggregator, the rule
 * does not run there, or has not run yet) is NOT_VISIBLE, never COMPLIANT.
 */
import { CONTROL_IDS, type ControlId } from '../controls/control';

/** AWS Config's compliance types as the aggregator reports them, plus what the report says of a cell it cannot see. */
export const CELL_STATUSES = ['NON_COMPLIANT', 'NOT_VISIBLE', 'INSUFFICIENT_DATA', 'NOT_APPLICABLE', 'COMPLIANT'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** A control as the report shows it: which Config rule serves it and the words of its column. */
export interface ReportControl {
  id: ControlId;
  /** The Config rule name found in the aggregator (or the documented name when none was found). */
  configRuleName: string;
  /** "4.1 Unauthorized API calls" or the bare id. */
  title: string;
}

/** One evaluation result as GetAggregateComplianceDetailsByConfigRule (or, without details, the summary) gives it. */
export interface AggregatedEvaluation {
  configRuleName: string;
  accountId: string;
  awsRegion: string;
  complianceType: string;
  annotation?: string;
  /** ISO 8601: when Config recorded the result. */
  resultRecordedTime?: string;
}

/** An account of the organization, from organizations:ListAccounts and its parent OU, when the caller may read them. */
export interface DirectoryAccount {
  accountId: string;
  name?: string;
  organizationalUnit?: string;
}

export interface ReportInput {
  aggregatorName: string;
  generatedAt: string;
  controls: ReportControl[];
  evaluations: AggregatedEvaluation[];
  /** Absent when the organization could not be read (the report then shows the accounts the aggregator knows). */
  directory?: DirectoryAccount[];
  /** What could not be read or found, one sentence each (shown above the matrix). */
  notes: string[];
}

export interface RegionResult {
  awsRegion: string;
  complianceType: string;
  annotation?: string;
  resultRecordedTime?: string;
}

export interface ReportCell {
  accountId: string;
  controlId: ControlId;
  complianceType: CellStatus;
  /** One line: the annotation of the region that decides the cell, others after it. */
  annotation: string;
  /** The oldest result time of the cell's regions: how stale the cell may be. */
  evaluatedAt?: string;
  regions: RegionResult[];
  /** Set by compareReports: the type the earlier report showed (`NEW` when it had no such cell). */
  before?: CellStatus | 'NEW';
}

export type Counts = Record<CellStatus, number>;

export interface ReportAccount extends DirectoryAccount {
  counts: Counts;
}

export interface ReportControlColumn extends ReportControl {
  counts: Counts;
}

export interface Report {
  /** The JSON format's version, so that --since can refuse what it cannot read. */
  reportFormat: 1;
  aggregatorName: string;
  generatedAt: string;
  controls: ReportControlColumn[];
  accounts: ReportAccount[];
  /** Accounts x controls, account by account in the order of `accounts`, controls in CIS order. */
  cells: ReportCell[];
  totals: Counts;
  notes: string[];
  /** Set by compareReports: the earlier report's time and how many cells changed. */
  since?: { generatedAt: string; changed: number };
}

export const NOT_VISIBLE_ANNOTATION =
  'The aggregator holds no evaluation of this rule for this account: the account or region is not a source of the aggregator, the rule is not deployed there, or it has not run yet';

const RANK: Record<CellStatus, number> = Object.fromEntries(CELL_STATUSES.map((s, i) => [s, i])) as Record<CellStatus, number>;

function emptyCounts(): Counts {
  return Object.fromEntries(CELL_STATUSES.map((s) => [s, 0])) as Counts;
}

/** Config's types as they come; anything else (a type added later) is shown as INSUFFICIENT_DATA, never compliant. */
function cellStatusOf(complianceType: string): CellStatus {
  return (CELL_STATUSES as readonly string[]).includes(complianceType) && complianceType !== 'NOT_VISIBLE' ? (complianceType as CellStatus) : 'INSUFFICIENT_DATA';
}

function cellOf(accountId: string, controlId: ControlId, regions: RegionResult[]): ReportCell {
  if (regions.length === 0) return { accountId, controlId, complianceType: 'NOT_VISIBLE', annotation: NOT_VISIBLE_ANNOTATION, regions };
  // The worst region decides; its annotation comes first.
  const sorted = [...regions].sort((a, b) => RANK[cellStatusOf(a.complianceType)] - RANK[cellStatusOf(b.complianceType)] || a.awsRegion.localeCompare(b.awsRegion));
  const worst = sorted[0]!;
  const annotationOf = (r: RegionResult) => r.annotation ?? `${r.complianceType} (no annotation)`;
  const annotation = sorted.length === 1 ? annotationOf(worst) : sorted.map((r) => `${r.awsRegion}: ${annotationOf(r)}`).join(' | ');
  const times = sorted.map((r) => r.resultRecordedTime).filter((t): t is string => t !== undefined).sort();
  const cell: ReportCell = { accountId, controlId, complianceType: cellStatusOf(worst.complianceType), annotation, regions: sorted };
  if (times[0] !== undefined) cell.evaluatedAt = times[0];
  return cell;
}

/** The matrix: every account of the directory and every account the aggregator reports, against every control. */
export function buildReport(input: ReportInput): Report {
  const ruleToControl = new Map(input.controls.map((c) => [c.configRuleName, c.id]));
  const byCell = new Map<string, RegionResult[]>();
  const seenAccounts = new Set<string>();
  for (const e of input.evaluations) {
    const controlId = ruleToControl.get(e.configRuleName);
    if (controlId === undefined) continue;
    seenAccounts.add(e.accountId);
    const key = `${e.accountId}/${controlId}`;
    const regions = byCell.get(key) ?? [];
    const region: RegionResult = { awsRegion: e.awsRegion, complianceType: e.complianceType };
    if (e.annotation !== undefined) region.annotation = e.annotation;
    if (e.resultRecordedTime !== undefined) region.resultRecordedTime = e.resultRecordedTime;
    regions.push(region);
    byCell.set(key, regions);
  }
  const directory = new Map((input.directory ?? []).map((a) => [a.accountId, a]));
  const accountIds = [...new Set([...directory.keys(), ...seenAccounts])].sort();
  const notes = [...input.notes];
  const unaggregated = accountIds.filter((id) => !seenAccounts.has(id));
  if (unaggregated.length > 0) {
    notes.push(`${unaggregated.length} account(s) of the organization have no evaluation in the aggregator for any of these rules (not aggregated, or no rule runs there): ${unaggregated.slice(0, 10).join(', ')}${unaggregated.length > 10 ? ', ...' : ''}`);
  }
  const order = new Map(CONTROL_IDS.map((id, i) => [id, i]));
  const controls = [...input.controls].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const cells: ReportCell[] = [];
  const accounts: ReportAccount[] = accountIds.map((accountId) => ({ ...(directory.get(accountId) ?? { accountId }), counts: emptyCounts() }));
  const columns: ReportControlColumn[] = controls.map((c) => ({ ...c, counts: emptyCounts() }));
  const totals = emptyCounts();
  for (const account of accounts) {
    columns.forEach((column) => {
      const cell = cellOf(account.accountId, column.id, byCell.get(`${account.accountId}/${column.id}`) ?? []);
      cells.push(cell);
      account.counts[cell.complianceType]++;
      column.counts[cell.complianceType]++;
      totals[cell.complianceType]++;
    });
  }
  return { reportFormat: 1, aggregatorName: input.aggregatorName, generatedAt: input.generatedAt, controls: columns, accounts, cells, totals, notes };
}

/**
 * 0 when every cell was evaluated and is COMPLIANT, 1 otherwise. The "0 when every evaluated cell is
 * compliant" read so that a cell the aggregator cannot see, which was not evaluated, never passes for compliant:
 * a matrix with one is not known compliant. A report with no cell at all is 1 too.
 */
export function reportExitStatus(report: Report): 0 | 1 {
  return report.cells.length > 0 && report.cells.every((c) => c.complianceType === 'COMPLIANT') ? 0 : 1;
}

/** An earlier report (--since) that is not one of ours. */
export class EarlierReportError extends Error {}

/** Reads an earlier JSON report, keeping only what the comparison needs, or says why it cannot. */
export function parseEarlierReport(text: string): Pick<Report, 'generatedAt' | 'cells'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EarlierReportError(`not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { reportFormat?: unknown }).reportFormat !== 1) {
    throw new EarlierReportError('not a report written by `report --format json` (no "reportFormat": 1)');
  }
  const { generatedAt, cells } = parsed as { generatedAt?: unknown; cells?: unknown };
  if (typeof generatedAt !== 'string' || !Array.isArray(cells)) throw new EarlierReportError('its "generatedAt" or "cells" is missing');
  const kept: ReportCell[] = [];
  for (const [index, cell] of (cells as unknown[]).entries()) {
    const c = cell as Partial<Record<keyof ReportCell, unknown>> | null;
    if (
      c === null ||
      typeof c !== 'object' ||
      typeof c.accountId !== 'string' ||
      typeof c.controlId !== 'string' ||
      typeof c.complianceType !== 'string' ||
      !(CELL_STATUSES as readonly string[]).includes(c.complianceType)
    ) {
      throw new EarlierReportError(`cell ${index + 1} lacks an accountId, a controlId or a known complianceType`);
    }
    kept.push({ accountId: c.accountId, controlId: c.controlId as ControlId, complianceType: c.complianceType as CellStatus, annotation: '', regions: [] });
  }
  return { generatedAt, cells: kept };
}

/** Marks each cell whose compliance type differs from the earlier report's (or that the earlier report lacked). */
export function compareReports(report: Report, earlier: Pick<Report, 'generatedAt' | 'cells'>): Report {
  const before = new Map(earlier.cells.map((c) => [`${c.accountId}/${c.controlId}`, c.complianceType]));
  let changed = 0;
  const cells = report.cells.map((cell) => {
    const was: CellStatus | 'NEW' = before.get(`${cell.accountId}/${cell.controlId}`) ?? 'NEW';
    if (was === cell.complianceType) return cell;
    changed++;
    return { ...cell, before: was };
  });
  const current = new Set(report.accounts.map((a) => a.accountId));
  const gone = [...new Set(earlier.cells.map((c) => c.accountId))].filter((id) => !current.has(id));
  const notes = gone.length > 0 ? [...report.notes, `${gone.length} account(s) of the earlier report are no longer in it: ${gone.slice(0, 10).join(', ')}`] : report.notes;
  return { ...report, cells, notes, since: { generatedAt: earlier.generatedAt, changed } };
}
