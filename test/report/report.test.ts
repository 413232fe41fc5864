/** The report's core and its text outputs, over generated aggregator data whose every count is known. */
import { CONTROL_IDS } from '../../rule/controls/control';
import { documentedRuleName } from '../../rule/report/collect';
import { renderHtml } from '../../rule/report/html';
import { renderCsv, renderText } from '../../rule/report/render';
import {
  EarlierReportError,
  NOT_VISIBLE_ANNOTATION,
  buildReport,
  compareReports,
  parseEarlierReport,
  reportExitStatus,
  type AggregatedEvaluation,
  type ReportInput,
} from '../../rule/report/report';
import { sampleOrganization } from '../../rule/report/sample-organization';

const controls = CONTROL_IDS.map((id) => ({ id, configRuleName: documentedRuleName(id), title: id }));

function inputOf(evaluations: AggregatedEvaluation[], extra: Partial<ReportInput> = {}): ReportInput {
  return { aggregatorName: 'org', generatedAt: '2026-03-02T07:00:00.000Z', controls, evaluations, notes: [], ...extra };
}

const A = '111111111111';
const B = '222222222222';
const ok = (accountId: string, id: (typeof CONTROL_IDS)[number], awsRegion = 'us-east-1'): AggregatedEvaluation => ({
  configRuleName: documentedRuleName(id),
  accountId,
  awsRegion,
  complianceType: 'COMPLIANT',
  annotation: 'Trail main (us-east-1): chain complete',
  resultRecordedTime: '2026-03-02T06:00:00.000Z',
});

describe('report matrix', () => {
  it('counts every cell of a generated organization as the aggregator data says', () => {
    const sample = sampleOrganization(24);
    const report = buildReport(inputOf(sample.results, { directory: sample.accounts }));
    expect(report.accounts).toHaveLength(24);
    expect(report.cells).toHaveLength(24 * 15);
    const expected = (type: string) => sample.results.filter((r) => r.complianceType === type).length;
    expect(report.totals.COMPLIANT).toBe(expected('COMPLIANT'));
    expect(report.totals.NON_COMPLIANT).toBe(expected('NON_COMPLIANT'));
    expect(report.totals.NOT_APPLICABLE).toBe(expected('NOT_APPLICABLE'));
    // Whatever the aggregator does not hold is not visible: the unaggregated account's whole row, missing rules.
    expect(report.totals.NOT_VISIBLE).toBe(24 * 15 - sample.results.length);
    for (const column of report.controls) {
      const sum = Object.values(column.counts).reduce((x, y) => x + y, 0);
      expect(sum).toBe(24);
      expect(column.counts.NON_COMPLIANT).toBe(sample.results.filter((r) => r.configRuleName === column.configRuleName && r.complianceType === 'NON_COMPLIANT').length);
    }
    for (const account of report.accounts) {
      expect(account.counts.COMPLIANT).toBe(sample.results.filter((r) => r.accountId === account.accountId && r.complianceType === 'COMPLIANT').length);
    }
  });

  it('shows an account of the organization without evaluations as not visible, never compliant, and says so', () => {
    const report = buildReport(inputOf([ok(A, 'root-usage')], { directory: [{ accountId: A }, { accountId: B, name: 'forgotten' }], controls: controls.slice(2, 3) }));
    const cellB = report.cells.find((c) => c.accountId === B)!;
    expect(cellB.complianceType).toBe('NOT_VISIBLE');
    expect(cellB.annotation).toBe(NOT_VISIBLE_ANNOTATION);
    expect(report.notes.join(' ')).toContain(`have no evaluation in the aggregator for any of these rules (not aggregated, or no rule runs there): ${B}`);
    expect(reportExitStatus(report)).toBe(1);
  });

  it('lets the worst region decide a cell and names each region in its annotation', () => {
    const bad = { ...ok(A, 'vpc-changes', 'eu-west-1'), complianceType: 'NON_COMPLIANT', annotation: 'No trail in eu-west-1', resultRecordedTime: '2026-03-01T00:00:00.000Z' };
    const report = buildReport(inputOf([ok(A, 'vpc-changes'), bad], { controls: controls.filter((c) => c.id === 'vpc-changes') }));
    expect(report.cells[0]).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: 'eu-west-1: No trail in eu-west-1 | us-east-1: Trail main (us-east-1): chain complete',
      evaluatedAt: '2026-03-01T00:00:00.000Z',
    });
  });

  it('exits 0 only when every cell is compliant', () => {
    const all = CONTROL_IDS.map((id) => ok(A, id));
    expect(reportExitStatus(buildReport(inputOf(all)))).toBe(0);
    expect(reportExitStatus(buildReport(inputOf(all.slice(1))))).toBe(1);
    expect(reportExitStatus(buildReport(inputOf([])))).toBe(1);
  });

  it('shows a compliance type it does not know as insufficient data, not compliant', () => {
    const report = buildReport(inputOf([{ ...ok(A, 'root-usage'), complianceType: 'SOMETHING_NEW' }], { controls: controls.slice(2, 3) }));
    expect(report.cells[0]!.complianceType).toBe('INSUFFICIENT_DATA');
  });
});

describe('--since', () => {
  it('marks the cells whose compliance changed since the earlier JSON report, and new accounts', () => {
    const one = controls.filter((c) => c.id === 'root-usage');
    const before = buildReport(inputOf([ok(A, 'root-usage')], { controls: one }));
    const after = buildReport(inputOf([{ ...ok(A, 'root-usage'), complianceType: 'NON_COMPLIANT' }, ok(B, 'root-usage')], { controls: one }));
    const compared = compareReports(after, parseEarlierReport(JSON.stringify(before)));
    expect(compared.cells.map((c) => [c.accountId, c.before])).toEqual([
      [A, 'COMPLIANT'],
      [B, 'NEW'],
    ]);
    expect(compared.since).toEqual({ generatedAt: before.generatedAt, changed: 2 });
    expect(renderText(compared, false)).toContain(`${A} root-usage: NON_COMPLIANT (was COMPLIANT)`);
  });

  it('refuses a file that is not one of its JSON reports, saying why', () => {
    expect(() => parseEarlierReport('not json')).toThrow(EarlierReportError);
    expect(() => parseEarlierReport('{"cells": []}')).toThrow('not a report written by `report --format json`');
    expect(() => parseEarlierReport('{"reportFormat":1,"generatedAt":"x","cells":[{"accountId":"1"}]}')).toThrow('cell 1 lacks');
  });
});

describe('outputs', () => {
  const hostile = { ...ok(A, 'root-usage'), complianceType: 'NON_COMPLIANT', annotation: '=HYPERLINK("http://x")</script><b>\u202eevil' };
  const report = buildReport(inputOf([hostile], { controls: controls.slice(2, 3), directory: [{ accountId: A, name: '@sum(A1)', organizationalUnit: 'Sandbox' }] }));

  it('prints plain text when piped and colour on a terminal', () => {
    expect(renderText(report, false)).not.toContain('\u001b[');
    expect(renderText(report, true)).toContain('\u001b[31;1m');
    expect(renderText(report, false)).toContain('\\u{202E}evil');
  });

  it('writes CSV a spreadsheet will not run as a formula', () => {
    const rows = renderCsv(report).split('\r\n');
    expect(rows[0]).toBe('AccountId,AccountName,OrganizationalUnit,Control,ConfigRuleName,ComplianceType,EvaluatedAt,Annotation,Before');
    expect(rows[1]).toBe(`${A},'@sum(A1),Sandbox,root-usage,root-usage-monitored,NON_COMPLIANT,2026-03-02T06:00:00.000Z,"'=HYPERLINK(""http://x"")</script><b>\\u{202E}evil",`);
  });

  it('keeps data from AWS out of the HTML markup', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script>\\u003cb>');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
  });
});

describe('HTML page data', () => {
  const sample = sampleOrganization(24);
  const report = buildReport(inputOf(sample.results, { directory: sample.accounts }));
  const html = renderHtml(report);
  const embedded = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as {
    annotations: string[];
    cells: { annotation: number; regions: { annotation?: number }[] }[];
  };

  it('stores an annotation many cells share once', () => {
    const uses = new Map<string, number>();
    for (const cell of report.cells) uses.set(cell.annotation, (uses.get(cell.annotation) ?? 0) + 1);
    const [shared, cells] = [...uses].sort((a, b) => b[1] - a[1])[0]!;
    expect(cells).toBeGreaterThan(1);
    expect(html.split(JSON.stringify(shared).replace(/</g, '\\u003c')).length - 1).toBe(1);
    expect(new Set(embedded.annotations).size).toBe(embedded.annotations.length);
  });

  it("keeps each cell's and each region's own annotation", () => {
    report.cells.forEach((cell, i) => {
      const stored = embedded.cells[i]!;
      expect(embedded.annotations[stored.annotation]).toBe(cell.annotation);
      expect(stored.regions.map((r) => (r.annotation === undefined ? undefined : embedded.annotations[r.annotation]))).toEqual(cell.regions.map((r) => r.annotation));
    });
  });
});
