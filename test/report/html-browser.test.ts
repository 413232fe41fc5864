/**
 * The HTML report as a user sees it, in Debian's headless chromium: the page's own script draws the matrix, the
 * counts, and a clicked cell's annotation (a click names the cell in the address, #cell=ACCOUNT/CONTROL, which is
 * what is loaded here, since --dump-dom cannot click). The screenshot is kept in test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_IDS } from '../../rule/controls/control';
import { documentedRuleName } from '../../rule/report/collect';
import { renderHtml } from '../../rule/report/html';
import { buildReport } from '../../rule/report/report';
import { sampleOrganization } from '../../rule/report/sample-organization';
import { onPath } from '../../devtools/executables';
import { skipWhen } from '../support/skip';

const chromium = onPath('chromium', process.env.PATH);
const { describe: maybe, title } = skipWhen(chromium === undefined ? 'no chromium on PATH (Debian: apt-get install chromium)' : undefined);

function headless(...args: string[]): string {
  return execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--virtual-time-budget=5000', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
}

maybe(title('HTML report in chromium'), () => {
  const sample = sampleOrganization(24);
  const report = buildReport({
    aggregatorName: 'organization',
    generatedAt: '2026-03-02T07:00:00.000Z',
    controls: CONTROL_IDS.map((id) => ({ id, configRuleName: documentedRuleName(id), title: id })),
    evaluations: sample.results,
    directory: sample.accounts,
    notes: [],
  });
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const page = join(dir, 'report.html');
  writeFileSync(page, renderHtml(report));
  const failing = report.cells.find((c) => c.complianceType === 'NON_COMPLIANT')!;

  it('draws every cell, the counts per control and per account, and the clicked cell annotation', () => {
    const dom = headless('--dump-dom', `file://${page}#cell=${failing.accountId}/${failing.controlId}`);
    expect(dom.match(/<td class="cell /g)).toHaveLength(24 * 15);
    expect(dom.match(/<td class="cell NON_COMPLIANT/g)).toHaveLength(report.totals.NON_COMPLIANT);
    for (const column of report.controls) {
      const notCompliant = 24 - column.counts.COMPLIANT;
      expect(dom).toContain(`<td data-count-control="${column.id}">${notCompliant}</td>`);
    }
    const row = report.accounts.find((a) => a.accountId === failing.accountId)!;
    expect(dom).toMatch(new RegExp(`<tr data-account="${failing.accountId}">.*<td class="failing">${15 - row.counts.COMPLIANT}</td></tr>`));
    const annotation = failing.annotation.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(dom).toContain(`<div id="annotation">${annotation}</div>`);
  });

  it("turns its embedded data back into the whole report: every cell's annotation, regions and times", () => {
    // The page's own script, then one more that writes the report it rebuilt into the page for --dump-dom to show.
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, renderHtml(report).replace('</body>', "<script>document.body.append(Object.assign(document.createElement('pre'), {id: 'rebuilt', textContent: JSON.stringify(report)}));</script></body>"));
    const text = /<pre id="rebuilt">(.*?)<\/pre>/s.exec(headless('--dump-dom', `file://${probe}`))?.[1] ?? 'null';
    const rebuilt: unknown = JSON.parse(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&'));
    expect(rebuilt).toEqual(report);
  });

  it('keeps a screenshot as a test artifact', () => {
    const artifacts = join(__dirname, '..', '..', 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'report.png');
    headless(`--screenshot=${shot}`, '--window-size=1400,1000', `file://${page}#cell=${failing.accountId}/${failing.controlId}`);
    expect(existsSync(shot)).toBe(true);
  });
});
