/**
 * `npm start` (devtools/demo/main.ts) runs the rule and the remediation on the bundled sample accounts. It must talk
 * while it works (a line per account as it is evaluated, then per remediation), print its table by account id, run
 * the remediation with the `python3` on PATH (pyenv, venv) and say which, or say why it did not run. It must say
 * what the remediation created and what it reused, and confirm only the subscriptions the remediation made: a
 * subscription pending before the run stays pending, so the account stays NON_COMPLIANT until its owner confirms it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PYTHON_VARIABLE } from '../../devtools/python';
import { skipWhen } from '../support/skip';
import { ROOT, python, pythonMissing } from './helpers';

jest.setTimeout(120_000);

const BUNDLE = path.join(ROOT, 'dist', 'index.js');
const noBundle = existsSync(BUNDLE) ? undefined : 'dist/index.js is missing; npm run build makes it';
const withPython = skipWhen(pythonMissing() ?? noBundle);
const withBundle = skipWhen(noBundle);

/** The sample accounts' ids, in order. */
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];

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

/** The account ids of the table's rows, in the order printed. */
function tableAccounts(output: string): string[] {
  const table = output.slice(output.indexOf('\nACCOUNT '));
  return [...table.matchAll(/^(\d{12}) {2}\S+ +[A-Z_]+ +\S.*$/gm)].map((m) => m[1]!);
}

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

  it('runs the remediation with the python3 first on PATH, and says so', () => {
    expect(output).toMatch(new RegExp(`^Remediation runs with ${bin}/python3 \\(Python 3\\.\\d+\\.\\d+\\)\\.$`, 'm'));
  });

  it('says each account as it is evaluated, and each remediation, before the table', () => {
    const starts = readdirSync(dir).filter((f) => f.startsWith('started.'));
    expect(starts).toHaveLength(3);
    for (const f of starts) {
      const soFar = readFileSync(path.join(dir, f), 'utf8');
      expect(soFar).toContain('Evaluating the 5 sample accounts of examples/accounts:');
      expect(soFar).toMatch(/^ {2}\d{12} {2}\S+ +NON_COMPLIANT, remediating$/m);
      expect(soFar).not.toContain('ACCOUNT ');
    }
    const progress = output.slice(0, output.indexOf('\nACCOUNT '));
    for (const account of ACCOUNTS) expect(progress).toMatch(new RegExp(`^ {2}${account} {2}\\S+ +(COMPLIANT|NON_COMPLIANT|NOT_APPLICABLE)`, 'm'));
    expect(progress).toMatch(/^ {2}333333333333 {2}no-alarm +remediated: COMPLIANT$/m);
  });

  it('prints the table by account id', () => {
    expect(tableAccounts(output)).toEqual(ACCOUNTS);
  });

  it('pending-subscription: reuses the alarm and topic, subscribes nobody again, and does not confirm the old pending subscription', () => {
    expect(output).toMatch(/^444444444444 {2}pending-subscription +NON_COMPLIANT +NON_COMPLIANT$/m);
    const lines = paragraph(output, 'pending-subscription');
    expect(lines).toContain(
      "  remediation: kept filter 'unauthorized-api-calls'; reused alarm 'cis-unauthorized-api-calls'; reused topic cis-alerts; " +
        'security@example.com was already subscribed, not again',
    );
    expect(lines).toContain(
      '  next: Confirm the email subscription of security@example.com to arn:aws:sns:us-east-1:444444444444:cis-alerts ' +
        '(pending confirmation); until then the rule reports the account NON_COMPLIANT',
    );
  });

  it('no-alarm: says what it created and kept, and confirms only the subscription it made', () => {
    const lines = paragraph(output, 'no-alarm');
    expect(lines).toContain(
      "  remediation: kept filter 'unauthorized-api-calls'; created alarm 'unauthorized-api-calls-alarm'; " +
        'created topic unauthorized-api-calls-alarms; subscribed security@example.com (confirmed by the recipient)',
    );
    expect(lines.some((l) => l.startsWith('  then COMPLIANT: ') && l.includes('topic unauthorized-api-calls-alarms (1 confirmed subscription)'))).toBe(true);
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
    expect(output).toMatch(/^222222222222 {2}cis-1\.3-all-or-pattern +NON_COMPLIANT +not run$/m);
    expect(output).toContain(
      `Remediation not run: no Python 3 with boto3 and yaml: ${PYTHON_VARIABLE}=python3: not on PATH. ` +
        `Debian: apt-get install python3-boto3 python3-yaml (.ci/run does), or set ${PYTHON_VARIABLE}.`,
    );
  });
});
