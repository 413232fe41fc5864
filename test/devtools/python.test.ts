/**
 * devtools/python.ts finds the Python that runs the remediation for `npm start` and the tests: the python3 on PATH
 * (pyenv, a venv) before /usr/bin/python3, the first that has the modules, and otherwise every reason why not.
 * The interpreters here are shell scripts standing in for Python.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PYTHON_VARIABLE, findPython } from '../../devtools/python';

/** A directory holding `python3`, a script that runs `body`. */
function fakePython(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'python-'));
  writeFileSync(path.join(dir, 'python3'), `#!/bin/sh\n${body}\n`);
  chmodSync(path.join(dir, 'python3'), 0o755);
  return dir;
}

const PATH = process.env.PATH ?? '/usr/bin:/bin';

it('uses the python3 first on PATH when it has the modules, even where /usr/bin/python3 exists', () => {
  const dir = fakePython('echo 3.12.1');
  expect(findPython(['boto3', 'yaml'], { PATH: `${dir}${path.delimiter}${PATH}` })).toEqual({
    command: path.join(dir, 'python3'),
    version: '3.12.1',
  });
});

it('says why each candidate failed, and how to install the modules', () => {
  const dir = fakePython(`echo Traceback >&2; echo "ModuleNotFoundError: No module named 'no_such_module'" >&2; exit 1`);
  const found = findPython(['boto3', 'no_such_module'], { PATH: `${dir}${path.delimiter}${PATH}` });
  expect(found).toEqual({ missing: expect.stringContaining('no Python 3 with boto3 and no_such_module: ') });
  const { missing } = found as { missing: string };
  expect(missing).toContain(`python3 (${path.join(dir, 'python3')}): ModuleNotFoundError: No module named 'no_such_module'; /usr/bin/python3: `);
  expect(missing).toContain(`apt-get install python3-boto3 python3-yaml (.ci/run does), or set ${PYTHON_VARIABLE}`);
});

it(`${PYTHON_VARIABLE} names the only interpreter tried`, () => {
  const dir = fakePython('echo 3.10.0');
  const chosen = path.join(dir, 'python3');
  expect(findPython(['boto3'], { PATH: '/nonexistent', [PYTHON_VARIABLE]: chosen })).toEqual({ command: chosen, version: '3.10.0' });
  expect(findPython(['boto3'], { PATH, [PYTHON_VARIABLE]: path.join(dir, 'python9') })).toEqual({
    missing: expect.stringContaining(`${PYTHON_VARIABLE}=${path.join(dir, 'python9')}: not an executable file.`),
  });
});
