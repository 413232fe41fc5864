/**
 * A test skipped for want of Python (or the AWS CLI) must say why in a plain `npm test`, not only with --verbose:
 * jest shows skipped titles only with --verbose and hides the console output of a file whose tests all skipped.
 * Runs jest on two such files with no python3 on PATH (REMEDIATION_PYTHON keeps /usr/bin/python3 out of reach).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PYTHON_VARIABLE } from '../../devtools/python';

const ROOT = path.join(__dirname, '..', '..');

it('prints each reason once, short, without --verbose', () => {
  const empty = path.join(mkdtempSync(path.join(tmpdir(), 'skip-')), 'empty');
  mkdirSync(empty);
  const run = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--ci', 'test/remediation/python-scripts.test.ts', 'test/remediation-e2e/runner.test.ts'],
    { cwd: ROOT, encoding: 'utf8', timeout: 110_000, env: { HOME: process.env.HOME, PATH: empty, [PYTHON_VARIABLE]: 'python3' } },
  );
  expect(run.status).toBe(0);
  const notOnPath = `${PYTHON_VARIABLE}=python3: not on PATH. Debian: apt-get install python3-boto3 python3-yaml (.ci/run does), or set ${PYTHON_VARIABLE}`;
  const lines = run.stderr.split('\n');
  expect(lines).toContain(
    `  1 test in test/remediation/python-scripts.test.ts: no Python 3 with boto3, botocore.stub and yaml: ${notOnPath}`,
  );
  expect(lines.filter((l) => l.includes('test/remediation-e2e/runner.test.ts: no Python 3 with boto3 and yaml: '))).toHaveLength(1);
  // Once, and without jest's console block and code frame.
  expect(run.stderr.split(notOnPath)).toHaveLength(3);
  expect(run.stderr).not.toContain('console.warn');
}, 120_000);
