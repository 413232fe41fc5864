/**
 * `npm start` (devtools/demo/main.ts) runs the rule for each of the fifteen controls and the remediation on the
 * bundled sample accounts. It must talk while it works (a line per account as it is evaluated, then per remediation),
 * print its matrix by account id (a column per control, each cell what the rule wrote), run
 * the remediation with the `python3` on PATH (pyenv, venv) and say which, or say why it did not run. It must say
 * what the remediation created and what it reused, and confirm only the subscriptions the remediation made: a
 * subscription pending before the run stays pending, so the account stays NON_COMPLIANT until its owner confirms it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PYTHON_VARIABLE } from '../../devtools/python';
import type { PageData } from '../../rule/report/html';
import { skipWhen } from '../support/skip';
import { ROOT, python, pythonMissing } from './helpers';

jest.setTimeout(120_000);

const BUNDLE = path.join(ROOT, 'dist', 'index.js');
const noBundle = existsSync(BUNDLE) ? undefined : 'dist/index.js is missing; npm run build makes it';
const withPython = skipWhen(pythonMissing() ?? noBundle);
const withBundle = skipWhen(noBundle);

/** The sample accounts' ids, in order. */
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666', '777777777777'];
/** A matrix row's cells: one per control, then the unauthorized-api-calls control after remediation. */
const CELLS = '((?:(?:ok|NO|n/a) +){15})(\\S.*)';

/** Runs `npm start` with PATH and extra variables, its standard output going to the file `out`; returns that output. */
function start(out: string, env: NodeJS.ProcessEnv): string {
  const fd = openSync(out, 'w');
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'devtools', 'demo', 'main.ts')], {
      cwd: ROOT,
      env: { HOME: process.env.HOME, ...env },
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      timeout: 110_000,
    });
    const output = readFileSync(out, 'utf8');
    if (run.status !== 0) throw new Error(`npm start exited ${run.status ?? run.signal}:\n${output}${run.stderr}`);
    return output;
  } finally {
    closeSync(fd);
  }
}

/** The lines of the demo's paragraph about `sample`. */
function paragraph(output: string, sample: string): string[] {
  const block = output.split('\n\n').find((b) => b.split('\n')[0]!.endsWith(` ${sample}`));
  if (!block) throw new Error(`no paragraph for ${sample} in:\n${output}`);
  return block.split('\n');
}

/** The matrix's rows, in the order printed: account, sample, the fifteen cells, then 4.1 after remediation. */
function matrix(output: string): Array<{ account: string; sample: string; cells: string; after: string }> {
  const table = output.slice(output.indexOf('\nACCOUNT '));
  return [...table.matchAll(new RegExp(`^(\\d{12}) {2}(\\S+) +${CELLS}$`, 'gm'))].map((m) => ({
    account: m[1]!,
    sample: m[2]!,
    cells: m[3]!.trim().split(/ +/).join(' '),
    after: m[4]!,
  }));
}

const tableAccounts = (output: string): string[] => matrix(output).map((r) => r.account);

/** The organization report npm start ends with: the page it names on its last line, and the report data it embeds. */
function reportPage(output: string): { html: string; report: PageData } {
  const file = /^ {2}file:\/\/(\/\S+\.html)$/m.exec(output)?.[1];
  if (file === undefined) throw new Error(`no report page named in:\n${output}`);
  const html = readFileSync(file, 'utf8');
  const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1];
  return { html, report: JSON.parse(data ?? 'null') as PageData };
}

const SHORT: Record<string, string> = { COMPLIANT: 'ok', NON_COMPLIANT: 'NO', NOT_APPLICABLE: 'n/a' };
const rowOf = (output: string, sample: string) => matrix(output).find((r) => r.sample === sample);

withPython.describe(withPython.title('npm start'), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-'));
  const out = path.join(dir, 'stdout');
  const bin = path.join(dir, 'bin');
  let output = '';

  beforeAll(() => {
    // A python3 first on PATH, as pyenv or a venv puts one: it hands over to the Python with boto3, after copying
    // what npm start had printed by the time each remediation started.
    const wrapper = path.join(bin, 'python3');
    mkdirSync(bin);
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do case "$a" in *run_automation.py) cp '${out}' "$(mktemp '${dir}/started.XXXXXX')";; esac; done\n` +
        `exec '${python()}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    output = start(out, { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
  });

  it('ends by writing the organization report: generated accounts and the sample accounts as the rule last evaluated them', () => {
    expect(output.trimEnd().split('\n').slice(-2)[0]).toMatch(/^Organization report \(report --html\) of \d+ accounts x 15 controls \(.*\):$/);
    const { html, report } = reportPage(output);
    expect(html).toContain('<table id="matrix">');
    expect(report.controls).toHaveLength(15);
    expect(report.accounts.length).toBeGreaterThanOrEqual(20 + ACCOUNTS.length);
    expect(report.cells).toHaveLength(report.accounts.length * 15);
    for (const row of matrix(output)) {
      expect(report.accounts).toContainEqual(expect.objectContaining({ accountId: row.account, name: row.sample, organizationalUnit: 'Samples' }));
      // The page shows what the rule wrote last: 4.1 after its remediation.
      const cells = report.cells.filter((c) => c.accountId === row.account).map((c) => SHORT[c.complianceType]);
      const printed = row.cells.split(' ');
      if (row.after.includes('COMPLIANT')) printed[0] = SHORT[row.after.trim()]!;
      expect(cells).toEqual(printed);
    }
  });

    it('runs the remediation with the python3 first on PATH, and says so', () => {
    expect(output).toMatch(new RegExp(`^Remediation runs with ${bin}/python3 \\(Python 3\\.\\d+\\.\\d+\\)\\.$`, 'm'));
  });

  it('says each account as it is evaluated, and each remediation, before the table', () => {
    const starts = readdirSync(dir).filter((f) => f.startsWith('started.'));
    expect(starts).toHaveLength(3);
    for (const f of starts) {
      const soFar = readFileSync(path.join(dir, f), 'utf8');
      expect(soFar).toContain('Evaluating the 7 sample accounts of examples/accounts for the 15 controls (CIS v7.0):');
      expect(soFar).toMatch(/^ {2}\d{12} {2}\S+ +\d+ of 15 COMPLIANT; 4\.1 NON_COMPLIANT, remediating$/m);
      expect(soFar).not.toContain('ACCOUNT ');
    }
    const progress = output.slice(0, output.indexOf('\nACCOUNT '));
    for (const account of ACCOUNTS) expect(progress).toMatch(new RegExp(`^ {2}${account} {2}\\S+ +\\d+ of 15 COMPLIANT; 4\\.1 (COMPLIANT|NON_COMPLIANT|NOT_APPLICABLE)`, 'm'));
    expect(progress).toMatch(/^ {2}333333333333 {2}no-alarm +remediated 4\.1: COMPLIANT$/m);
  });

  it('prints the matrix by account id, a column per control, each cell what the rule wrote', () => {
    expect(tableAccounts(output)).toEqual(ACCOUNTS);
    expect(output).toMatch(/^ACCOUNT {7}SAMPLE +4\.1 +4\.2 +4\.3 .*4\.15 +4\.1 AFTER REMEDIATION$/m);
    expect(rowOf(output, 'compliant')).toEqual({ account: '111111111111', sample: 'compliant', cells: Array(15).fill('ok').join(' '), after: '-' });
    expect(rowOf(output, 'organization-member')?.cells).toBe(Array(15).fill('n/a').join(' '));
    // terraform-aws-modules cis-alarms: 4.7 and 4.14 disabled by its example, the 6-name 4.10.
    expect(rowOf(output, 'terraform-aws-modules-cis-alarms')?.cells).toBe('ok ok ok ok ok ok NO ok ok NO ok ok ok NO ok');
    expect(rowOf(output, 'common-mistakes')?.cells).toBe('ok ok NO NO ok NO NO ok NO ok ok ok ok ok NO');
  });

  it('details the failing cells, those failing alike on one line', () => {
    const lines = paragraph(output, 'terraform-aws-modules-cis-alarms');
    // No CMK and no VPC filter (said alike, on one line), and the 6-name security group list.
    const cells = lines.filter((l) => /^ {2}4\.\d+ /.test(l));
    expect(cells.map((l) => l.slice(2, 7).trim())).toEqual(['4.7', '4.10']);
    expect(cells[0]).toMatch(/none of the 13 metric filters .* catches CMK disablings or scheduled deletions.*\(and alike: 4\.14\)$/);
    // A 4.1-only sample: the fourteen other controls have no filter of their own, which is said once for all.
    const noAlarm = paragraph(output, 'no-alarm');
    const noAlarmCells = noAlarm.filter((l) => /^ {2}4\.\d+ /.test(l));
    expect(noAlarmCells.map((l) => l.slice(2, 7).trim())).toEqual(['4.1', '4.2']);
    expect(noAlarmCells[1]).toMatch(/none of the 1 metric filters .*\(and alike: 4\.3, 4\.4, 4\.5, 4\.6, 4\.7, 4\.8, 4\.9, 4\.10, 4\.11, 4\.12, 4\.13, 4\.14, 4\.15\)$/);
    // The organization member: every control not applicable for the same reason, said once.
    expect(paragraph(output, 'organization-member').filter((l) => /^ {2}4\.\d+ /.test(l))).toHaveLength(2);
    expect(output.split('\n').every((l) => l.length <= 300)).toBe(true);
  });

  it('pending-subscription: reuses the alarm and topic, subscribes nobody again, and does not confirm the old pending subscription', () => {
    expect(rowOf(output, 'pending-subscription')).toMatchObject({ cells: Array(15).fill('NO').join(' '), after: 'NON_COMPLIANT' });
    const lines = paragraph(output, 'pending-subscription');
    expect(lines).toContain(
      "        remediation: kept filter 'unauthorized-api-calls'; reused alarm 'cis-unauthorized-api-calls'; reused topic cis-alerts; " +
        'security@example.com was already subscribed, not again',
    );
    expect(lines).toContain(
      '        next: Confirm the email subscription of security@example.com to arn:aws:sns:us-east-1:444444444444:cis-alerts ' +
        '(pending confirmation); until then the rule reports the account NON_COMPLIANT',
    );
  });

  it('no-alarm: says what it created and kept, and confirms only the subscription it made', () => {
    const lines = paragraph(output, 'no-alarm');
    expect(lines).toContain(
      "        remediation: kept filter 'unauthorized-api-calls'; created alarm 'unauthorized-api-calls-alarm'; " +
        'created topic unauthorized-api-calls-alarms; subscribed security@example.com (confirmed by the recipient)',
    );
    expect(lines.some((l) => l.startsWith('        then COMPLIANT: ') && l.includes('topic unauthorized-api-calls-alarms (1 confirmed subscription)'))).toBe(true);
  });
});

withBundle.describe(withBundle.title('npm start without Python'), () => {
  it('evaluates every account and says why the remediation did not run', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'demo-'));
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    // No python3 on PATH, and REMEDIATION_PYTHON keeps the finder from falling back to /usr/bin/python3.
    const output = start(path.join(dir, 'stdout'), { PATH: empty, [PYTHON_VARIABLE]: 'python3' });
    expect(tableAccounts(output)).toEqual(ACCOUNTS);
    expect(rowOf(output, 'cis-1.3-all-or-pattern')).toMatchObject({ cells: Array(15).fill('NO').join(' '), after: 'not run' });
    expect(output).toContain(
      `Remediation not run: no Python 3 with boto3 and yaml: ${PYTHON_VARIABLE}=python3: not on PATH. ` +
        `Debian: apt-get install python3-boto3 python3-yaml (.ci/run does), or set ${PYTHON_VARIABLE}.`,
    );
  });
});
