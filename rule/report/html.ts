/**
 * The report as one self-contained HTML page: inline CSS and script, the report's data embedded as JSON, no network
 * and no external asset (a Content-Security-Policy forbids both, so a page opened offline or attached to a ticket
 * looks the same). The script draws the matrix colour-coded with counts per control and per account, sorts by
 * clicking a heading, filters by OU, account and control, and shows a cell's annotation when it is clicked. A
 * clicked cell is also named in the address (#cell=ACCOUNT/CONTROL), so a link to one cell can be shared.
 *
 * Every text from AWS reaches the page as JSON data and is put in with textContent, never as markup.
 */
import type { RegionResult, Report, ReportCell } from './report';

/**
 * The report as the page embeds it: each distinct annotation text once, in `annotations`, and each cell's and
 * region's annotation as its index there; the page's script turns it back into the Report. A cell's text is also
 * its region's, and accounts broken alike share their texts, so without the table most of a large organization's
 * page is the same annotations again (bench/report.ts prints the page's size).
 */
export interface PageData extends Omit<Report, 'cells'> {
  annotations: string[];
  cells: (Omit<ReportCell, 'annotation' | 'regions'> & { annotation: number; regions: (Omit<RegionResult, 'annotation'> & { annotation?: number })[] })[];
}

function pageData(report: Report): PageData {
  const annotations: string[] = [];
  const indices = new Map<string, number>();
  const indexOf = (text: string): number => {
    let index = indices.get(text);
    if (index === undefined) {
      index = annotations.push(text) - 1;
      indices.set(text, index);
    }
    return index;
  };
  const cells = report.cells.map((cell) => ({
    ...cell,
    annotation: indexOf(cell.annotation),
    regions: cell.regions.map(({ annotation, ...region }) => (annotation === undefined ? region : { ...region, annotation: indexOf(annotation) })),
  }));
  return { ...report, cells, annotations };
}

/** JSON inside <script>: `<` escaped so that no value can close the element (`</script>`) or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 4px}
.notes{color:#555;margin:4px 0}
.controls{margin:8px 0;display:flex;gap:12px;flex-wrap:wrap;align-items:center}
table{border-collapse:collapse}
th,td{border:1px solid #ddd;padding:2px 4px;text-align:center;white-space:nowrap}
th{background:#f4f4f4;cursor:pointer;position:sticky;top:0}
th.control{writing-mode:vertical-rl;transform:rotate(180deg);max-height:260px;font-weight:normal}
td.name{text-align:left}
td.cell{width:18px;cursor:pointer}
td.COMPLIANT{background:#2e9d4f;color:#fff}
td.NON_COMPLIANT{background:#d3302f;color:#fff}
td.NOT_APPLICABLE{background:#7fb3d5}
td.INSUFFICIENT_DATA{background:#f0b429}
td.NOT_VISIBLE{background:#9e9e9e;color:#fff}
.legend span.COMPLIANT{background:#2e9d4f;color:#fff}.legend span.NON_COMPLIANT{background:#d3302f;color:#fff}
.legend span.NOT_APPLICABLE{background:#7fb3d5}.legend span.INSUFFICIENT_DATA{background:#f0b429}.legend span.NOT_VISIBLE{background:#9e9e9e;color:#fff}
td.changed{outline:3px solid #111;outline-offset:-3px}
td.selected{box-shadow:inset 0 0 0 3px #000}
tr.counts td{background:#fafafa;font-size:11px}
#detail{margin-top:12px;padding:8px;border:1px solid #bbb;background:#fffbe6;max-width:1000px;white-space:pre-wrap}
.legend span{display:inline-block;padding:0 6px;margin-right:4px}
`;

const SCRIPT = `
const {annotations, ...packed} = JSON.parse(document.getElementById('report-data').textContent);
const report = {...packed, cells: packed.cells.map(c => ({...c, annotation: annotations[c.annotation],
  regions: c.regions.map(r => r.annotation === undefined ? r : {...r, annotation: annotations[r.annotation]})}))};
const STATUSES = ['NON_COMPLIANT','NOT_VISIBLE','INSUFFICIENT_DATA','NOT_APPLICABLE','COMPLIANT'];
const WORDS = {COMPLIANT:'compliant',NON_COMPLIANT:'non-compliant',NOT_APPLICABLE:'not applicable',INSUFFICIENT_DATA:'insufficient data',NOT_VISIBLE:'not visible to the aggregator'};
const MARK = {COMPLIANT:'\\u2713',NON_COMPLIANT:'\\u2717',NOT_APPLICABLE:'-',INSUFFICIENT_DATA:'~',NOT_VISIBLE:'?'};
const cells = new Map(report.cells.map(c => [c.accountId + '/' + c.controlId, c]));
const state = {sort: 'failing', descending: true, ou: '', account: '', control: ''};
const el = (tag, props, text) => { const e = document.createElement(tag); Object.assign(e, props || {}); if (text !== undefined) e.textContent = text; return e; };
const failing = a => report.controls.reduce((n, c) => n + (cells.get(a.accountId + '/' + c.id).complianceType === 'COMPLIANT' ? 0 : 1), 0);

function visibleControls() { return report.controls.filter(c => state.control === '' || c.id === state.control); }
function visibleAccounts() {
  const q = state.account.toLowerCase();
  const rows = report.accounts.filter(a => (state.ou === '' || (a.organizationalUnit || '') === state.ou)
    && (q === '' || a.accountId.includes(q) || (a.name || '').toLowerCase().includes(q)));
  const key = {account: a => a.accountId, name: a => (a.name || '').toLowerCase(), ou: a => (a.organizationalUnit || '').toLowerCase(), failing: a => failing(a)}[state.sort]
    || (a => STATUSES.length - STATUSES.indexOf(cells.get(a.accountId + '/' + state.sort).complianceType));
  rows.sort((x, y) => { const p = key(x), q2 = key(y); const r = p < q2 ? -1 : p > q2 ? 1 : x.accountId.localeCompare(y.accountId); return state.descending ? -r : r; });
  return rows;
}

function heading(text, sortKey, cls) {
  const th = el('th', {className: cls || '', title: 'sort'}, text + (state.sort === sortKey ? (state.descending ? ' \\u25bc' : ' \\u25b2') : ''));
  th.dataset.sort = sortKey;
  th.addEventListener('click', () => { state.descending = state.sort === sortKey ? !state.descending : sortKey === 'failing'; state.sort = sortKey; draw(); });
  return th;
}

function draw() {
  const controls = visibleControls();
  const accounts = visibleAccounts();
  const table = el('table', {id: 'matrix'});
  const head = el('tr');
  head.append(heading('Account', 'account'), heading('Name', 'name'), heading('OU', 'ou'));
  for (const c of controls) { const th = heading(c.title, c.id, 'control'); th.title = c.configRuleName; head.append(th); }
  head.append(heading('Failing', 'failing'));
  table.append(head);
  const perControl = new Map(controls.map(c => [c.id, 0]));
  for (const a of accounts) {
    const tr = el('tr');
    tr.dataset.account = a.accountId;
    tr.append(el('td', {className: 'name'}, a.accountId), el('td', {className: 'name'}, a.name || ''), el('td', {className: 'name'}, a.organizationalUnit || ''));
    let n = 0;
    for (const c of controls) {
      const cell = cells.get(a.accountId + '/' + c.id);
      const td = el('td', {className: 'cell ' + cell.complianceType + (cell.before ? ' changed' : ''), title: c.title + ': ' + WORDS[cell.complianceType]}, MARK[cell.complianceType]);
      td.dataset.cell = a.accountId + '/' + c.id;
      td.addEventListener('click', () => { location.hash = 'cell=' + td.dataset.cell; });
      tr.append(td);
      if (cell.complianceType !== 'COMPLIANT') { n++; perControl.set(c.id, perControl.get(c.id) + 1); }
    }
    tr.append(el('td', {className: 'failing'}, String(n)));
    table.append(tr);
  }
  const counts = el('tr', {className: 'counts'});
  counts.append(el('td', {className: 'name'}, 'not compliant'), el('td'), el('td'));
  for (const c of controls) { const td = el('td', {}, String(perControl.get(c.id))); td.dataset.countControl = c.id; counts.append(td); }
  counts.append(el('td', {}, String([...perControl.values()].reduce((x, y) => x + y, 0))));
  table.append(counts);
  document.getElementById('matrix').replaceWith(table);
  document.getElementById('shown').textContent = accounts.length + ' of ' + report.accounts.length + ' accounts, ' + controls.length + ' of ' + report.controls.length + ' controls';
  showDetail();
}

function showDetail() {
  const detail = document.getElementById('detail');
  document.querySelectorAll('td.selected').forEach(td => td.classList.remove('selected'));
  const m = /^#cell=(.+)$/.exec(location.hash);
  const cell = m ? cells.get(decodeURIComponent(m[1])) : undefined;
  if (!cell) { detail.hidden = true; return; }
  const account = report.accounts.find(a => a.accountId === cell.accountId);
  const control = report.controls.find(c => c.id === cell.controlId);
  const td = document.querySelector('td[data-cell="' + CSS.escape(cell.accountId + '/' + cell.controlId) + '"]');
  if (td) td.classList.add('selected');
  detail.hidden = false;
  detail.replaceChildren(
    el('strong', {}, cell.accountId + (account && account.name ? ' (' + account.name + ')' : '') + ' \\u2014 ' + control.title + ': ' + cell.complianceType
      + (cell.before ? ' (was ' + cell.before + ')' : '')),
    el('div', {id: 'annotation'}, cell.annotation),
    el('div', {className: 'notes'}, (cell.evaluatedAt ? 'evaluated ' + cell.evaluatedAt + '; ' : '') + 'rule ' + control.configRuleName
      + (cell.regions.length ? '; regions ' + cell.regions.map(r => r.awsRegion + ' ' + r.complianceType).join(', ') : '')));
}

function select(id, values, label) {
  const s = document.getElementById(id);
  s.append(el('option', {value: ''}, label));
  for (const [value, text] of values) s.append(el('option', {value}, text));
  s.addEventListener('change', () => { state[s.dataset.key] = s.value; draw(); });
}

select('ou', [...new Set(report.accounts.map(a => a.organizationalUnit).filter(Boolean))].sort().map(o => [o, o]), 'every OU');
select('control', report.controls.map(c => [c.id, c.title]), 'every control');
document.getElementById('account').addEventListener('input', e => { state.account = e.target.value; draw(); });
const legend = document.getElementById('legend');
for (const s of STATUSES) legend.append(el('span', {className: s}, MARK[s] + ' ' + WORDS[s] + ' ' + report.totals[s]));
window.addEventListener('hashchange', showDetail);
draw();
`;

export function renderHtml(report: Report): string {
  const title = `CIS monitoring controls: ${report.aggregatorName}`;
  const since = report.since ? `<div class="notes">Compared with the report of ${escapeHtml(report.since.generatedAt)}: ${report.since.changed} cell(s) changed (outlined)</div>` : '';
  const notes = report.notes.map((n) => `<div class="notes">${escapeHtml(n)}</div>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="notes">Generated ${escapeHtml(report.generatedAt)}: ${report.accounts.length} accounts x ${report.controls.length} controls. Click a cell for its annotation, a heading to sort.</div>
${since}${notes}
<div class="legend" id="legend"></div>
<div class="controls">
<label>OU <select id="ou" data-key="ou"></select></label>
<label>Account <input id="account" type="search" placeholder="id or name"></label>
<label>Control <select id="control" data-key="control"></select></label>
<span id="shown"></span>
</div>
<table id="matrix"></table>
<div id="detail" hidden></div>
<script type="application/json" id="report-data">${scriptJson(pageData(report))}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
