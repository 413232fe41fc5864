/**
 * Runs the Python unit tests of the document's inline scripts (test/remediation/python) with /usr/bin/python3,
 * the interpreter whose Debian packages (python3-boto3, python3-yaml) the tests use. Without them the test is
 * reported as skipped with the reason, never passed.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';

const PYTHON = '/usr/bin/python3';
const ROOT = path.join(__dirname, '..', '..');
const SUITE = path.join('test', 'remediation', 'python');

/** Why the suite cannot run here, or undefined when it can. */
function missing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found; .ci/run installs python3-boto3 and python3-yaml with apt-get`;
  const probe = spawnSync(PYTHON, ['-c', 'import boto3, botocore.stub, yaml'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status === 0) return undefined;
  const detail = (probe.stderr || String(probe.error ?? '')).trim().split('\n').pop() ?? '';
  if (/yaml/.test(detail)) return `python3-yaml not installed (${detail}); .ci/run installs it with apt-get`;
  return `python3-boto3 not installed (${detail}); .ci/run installs it with apt-get`;
}

const reason = missing();
if (reason) console.warn(`python-scripts.test.ts: Python unit tests of the remediation scripts SKIPPED: ${reason}`);

describe('inline Python of the remediation document', () => {
  const title = `passes its unit tests (${SUITE}, run with ${PYTHON})`;
  (reason ? it.skip : it)(reason ? `${title} [SKIPPED: ${reason}]` : title, () => {
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
