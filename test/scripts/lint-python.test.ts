/**
 * scripts/lint-python.mjs runs flake8 on the repository's .py files and on the inline scripts of the remediation
 * document, and reports a finding in an inline script at the document's own line and column.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { skipWhen } from '../support/skip';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'lint-python.mjs');
const DOCUMENT = readFileSync(join(ROOT, 'remediation', 'UnauthorizedApiCallsMonitored-Remediation.yaml'), 'utf8');
const HAS_FLAKE8 = spawnSync('flake8', ['--version']).status === 0;
const withFlake8 = skipWhen(HAS_FLAKE8 ? undefined : 'no flake8 (Debian: apt-get install flake8)');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The document linted: a temporary copy. */
  file: string;
}

function lint(documentText: string, env: NodeJS.ProcessEnv = process.env): Run {
  const file = join(mkdtempSync(join(tmpdir(), 'lint-python-test-')), 'document.yaml');
  writeFileSync(file, documentText);
  const r = spawnSync(process.execPath, [SCRIPT, file], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, file };
}

withFlake8.it(withFlake8.title("points a finding in an inline script at the document's line and column"), () => {
  // The last step's RemediationError, followed by a statement flake8 flags (E225 at the '=').
  const at = DOCUMENT.lastIndexOf('        class RemediationError(Exception):\n            pass\n');
  const end = DOCUMENT.indexOf('pass\n', at) + 'pass\n'.length;
  const planted = `${DOCUMENT.slice(0, end)}        planted=1\n${DOCUMENT.slice(end)}`;
  const line = planted.slice(0, end).split('\n').length;
  expect(planted.split('\n')[line - 1]).toBe('        planted=1');

  const { status, stdout, file } = lint(planted);
  expect(stdout).toContain(`${file}:${line}:16: E225 missing whitespace around operator (step VerifyChain)`);
  expect(status).toBe(1);
});

withFlake8.it(withFlake8.title("finds nothing in the repository's .py files and the document's inline scripts"), () => {
  const { status, stdout } = lint(DOCUMENT);
  expect(stdout).toContain('flake8: no findings in the .py files and 3 inline scripts');
  expect(status).toBe(0);
});

it('refuses, in one line, a Script it cannot map line for line', () => {
  const quoted = DOCUMENT.replace(/ {6}Script: \|-\n(?: {8}.*\n|\n)*/, `      Script: "def verify(events, context):\\n    return {}"\n`);
  const { status, stderr } = lint(quoted);
  expect(stderr).toMatch(/^lint-python: .*document\.yaml: the Script of step DiscoverChain is not a literal block \(Script: \|-\), so its lines cannot be mapped\n$/);
  expect(status).toBe(2);
});

it('says how to install flake8 when it is missing', () => {
  const { status, stderr } = lint(DOCUMENT, { PATH: mkdtempSync(join(tmpdir(), 'no-flake8-')) });
  expect(stderr).toMatch(/^lint-python: cannot run flake8 \(Debian: apt-get install flake8\): .*ENOENT\n$/);
  expect(status).toBe(2);
});
