/**
 * Runs the Python unit tests of the document's inline scripts (test/remediation/python) with the Python that
 * `npm start` uses (devtools/python.ts: python3 on PATH, then /usr/bin/python3), which needs boto3 and PyYAML.
 * Without them the test is reported as skipped with the reason (test/support/skip.ts), never passed.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { findPython } from '../../devtools/python';
import { skipWhen } from '../support/skip';

const FOUND = findPython(['boto3', 'botocore.stub', 'yaml']);
const PYTHON = 'command' in FOUND ? FOUND.command : 'python3';
const ROOT = path.join(__dirname, '..', '..');
const SUITE = path.join('test', 'remediation', 'python');
const skipping = skipWhen('missing' in FOUND ? FOUND.missing : undefined);

describe('inline Python of the remediation document', () => {
  skipping.it(skipping.title(`passes its unit tests (${SUITE}, run with ${PYTHON})`), () => {
    const run = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', SUITE, '-p', 'test_*.py'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const output = `${run.stdout}${run.stderr}`;
    if (run.error) throw new Error(`${PYTHON} did not run: ${run.error.message}\n${output}`);
    if (run.status !== 0) throw new Error(`${PYTHON} -m unittest exited ${run.status ?? run.signal}; its report:\n${output}`);
    expect(output).toMatch(/^Ran \d+ tests? in /m);
    expect(output).toMatch(/^OK\b/m);
  }, 130_000);
});
