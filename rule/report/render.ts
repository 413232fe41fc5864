/**
 * The report as text (terminal table), CSV and JSON. Everything from AWS (account names, OU names, annotations) is
 * printed through text.ts's escapeUnsafe, so a name cannot break a line or reorder what follows.
 */
import { escapeUnsafe, printable } from '../text';
import { CELL_STATUSES, type CellStatus, type Counts, type Report, type ReportCell } from './report';

/** A cell in the terminal: one character, and the ANSI colour used on a TTY. */
const MARK: Record<CellStatus, { char: string; colour: string; words: string }> = {
  COMPLIANT: { char: '.', colour: '32', words: 'compliant' },
  NON_COMPLIANT: { char: 'X', colour: '31;1', words: 'non-compliant' },
  NOT_APPLICABLE: { char: '-', colour: '36', words: 'not applicable' },
  INSUFFICIENT_DATA: { char: '~', colour: '33', words: 'insufficient data' },
  NOT_VISIBLE: { char: '?', colour: '35', words: 'not visible to the aggregator' },
};

function countsText(counts: Counts): string {
  return CELL_STATUSES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${MARK[s].words}`)
    .join(', ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The matrix (an account a line, a control a column numbered in the legend), counts, then every failing cell's annotation. */
export function renderText(report: Report, colour: boolean): string {
  const paint = (status: CellStatus, text: string) => (colour ? `\u001b[${MARK[status].colour}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  lines.push(`Aggregator ${printable(report.aggregatorName)} at ${report.generatedAt}: ${report.accounts.length} accounts x ${report.controls.length} controls`);
  if (report.since) lines.push(`Compared with the report of ${report.since.generatedAt}: ${report.since.changed} cell(s) changed (marked *)`);
  for (const note of report.notes) lines.push(`note: ${printable(note, 300)}`);
  lines.push('');
  const names = report.accounts.map((a) => `${a.accountId}${a.name !== undefined ? ` ${printable(a.name, 24)}` : ''}`);
  const nameWidth = Math.max(7, ...names.map((n) => n.length));
  const numbers = report.controls.map((_, i) => String(i + 1));
  const cellWidth = Math.max(2, ...numbers.map((n) => n.length + 1));
  lines.push(`${pad('account', nameWidth)}  ${numbers.map((n) => pad(n, cellWidth)).join('')} failing`);
  const byAccount = new Map<string, ReportCell[]>();
  for (const cell of report.cells) byAccount.set(cell.accountId, [...(byAccount.get(cell.accountId) ?? []), cell]);
  report.accounts.forEach((account, i) => {
    const cells = byAccount.get(account.accountId) ?? [];
    const marks = cells.map((c) => paint(c.complianceType, pad(`${MARK[c.complianceType].char}${c.before !== undefined ? '*' : ''}`, cellWidth))).join('');
    const failing = cells.length - account.counts.COMPLIANT;
    lines.push(`${pad(names[i]!, nameWidth)}  ${marks} ${failing}`);
  });
  lines.push('');
  lines.push('Controls:');
  report.controls.forEach((c, i) => lines.push(`${pad(String(i + 1), 3)} ${printable(c.title, 60)} (${printable(c.configRuleName, 80)}): ${countsText(c.counts)}`));
  lines.push('');
  lines.push(`Legend: ${CELL_STATUSES.map((s) => `${paint(s, MARK[s].char)} ${MARK[s].words}`).join(', ')}${report.since ? ', * changed' : ''}`);
  lines.push(`Total: ${countsText(report.totals)}`);
  const failing = report.cells.filter((c) => c.complianceType !== 'COMPLIANT');
  if (failing.length > 0) {
    lines.push('');
    lines.push('Not compliant:');
    const titles = new Map(report.controls.map((c) => [c.id, c.title]));
    for (const cell of failing) {
      const change = cell.before !== undefined ? ` (was ${cell.before})` : '';
      lines.push(`${cell.accountId} ${printable(titles.get(cell.controlId) ?? cell.controlId, 40)}: ${paint(cell.complianceType, cell.complianceType)}${change} ${printable(cell.annotation, 300)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export const CSV_COLUMNS = ['AccountId', 'AccountName', 'OrganizationalUnit', 'Control', 'ConfigRuleName', 'ComplianceType', 'EvaluatedAt', 'Annotation', 'Before'] as const;

/**
 * RFC 4180 fields. A field a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: OWASP's CSV
 * injection guidance) is prefixed with a quote, since account names and annotations come from outside.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(report: Report): string {
  const accounts = new Map(report.accounts.map((a) => [a.accountId, a]));
  const rules = new Map(report.controls.map((c) => [c.id, c.configRuleName]));
  const rows = report.cells.map((cell) => {
    const account = accounts.get(cell.accountId);
    return [
      cell.accountId,
      account?.name ?? '',
      account?.organizationalUnit ?? '',
      cell.controlId,
      rules.get(cell.controlId) ?? '',
      cell.complianceType,
      cell.evaluatedAt ?? '',
      escapeUnsafe(cell.annotation),
      cell.before ?? '',
    ];
  });
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
