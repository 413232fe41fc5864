/**
 * Finds the Python 3 that runs the remediation document (devtools/ssm-runner) and its tests: `npm start` and the
 * test files share it, so both use the same interpreter and give the same reason when there is none.
 *
 * The `python3` on PATH comes first (pyenv, a venv, Homebrew on macOS), then Debian's /usr/bin/python3 (where
 * `apt-get install python3-boto3 python3-yaml` puts the modules); the first that imports the modules asked for is
 * used. REMEDIATION_PYTHON names the one interpreter to try instead (a path, or a name looked up on PATH).
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { isExecutable, onPath } from './executables';

export const PYTHON_VARIABLE = 'REMEDIATION_PYTHON';
const DEBIAN_PYTHON = '/usr/bin/python3';
const INSTALL = 'Debian: apt-get install python3-boto3 python3-yaml (.ci/run does)';

export type Python = { command: string; version: string } | { missing: string };

function realpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The interpreters to try, each with what to call it when it is missing. */
interface Candidate {
  label: string;
  command: string | undefined;
  /** Why `command` is undefined. */
  absent: string;
}

function candidates(env: NodeJS.ProcessEnv): Candidate[] {
  const chosen = env[PYTHON_VARIABLE];
  if (chosen) {
    const label = `${PYTHON_VARIABLE}=${chosen}`;
    if (isAbsolute(chosen)) return [{ label, command: isExecutable(chosen) ? chosen : undefined, absent: 'not an executable file' }];
    return [{ label, command: onPath(chosen, env.PATH), absent: 'not on PATH' }];
  }
  const fromPath: Candidate = { label: 'python3', command: onPath('python3', env.PATH), absent: 'not on PATH' };
  // /usr/bin/python3 is usually also the python3 on PATH (or /bin/python3, the same file): try it once.
  if (fromPath.command !== undefined && realpath(fromPath.command) === realpath(DEBIAN_PYTHON)) return [fromPath];
  return [fromPath, { label: DEBIAN_PYTHON, command: isExecutable(DEBIAN_PYTHON) ? DEBIAN_PYTHON : undefined, absent: 'not found' }];
}

/**
 * The first interpreter that imports every module of `modules` (e.g. `['boto3', 'yaml']`), with its version; or,
 * when none does, why not (each candidate's failure, and how to install the modules).
 */
export function findPython(modules: readonly string[], env: NodeJS.ProcessEnv = process.env): Python {
  const failures: string[] = [];
  const program = `import sys${modules.map((m) => `, ${m}`).join('')}; print('%d.%d.%d' % sys.version_info[:3])`;
  for (const { label, command, absent } of candidates(env)) {
    if (command === undefined) {
      failures.push(`${label}: ${absent}`);
      continue;
    }
    const probe = spawnSync(command, ['-c', program], { encoding: 'utf8', timeout: 60_000, env });
    if (probe.status === 0) return { command, version: probe.stdout.trim() };
    // The last line of a traceback names what is missing (ModuleNotFoundError: No module named 'yaml').
    const detail = (probe.stderr || String(probe.error ?? `exit ${probe.status ?? probe.signal}`)).trim().split('\n').pop();
    failures.push(`${command === label ? label : `${label} (${command})`}: ${detail}`);
  }
  const names = modules.length > 1 ? `${modules.slice(0, -1).join(', ')} and ${modules[modules.length - 1]}` : modules.join('');
  const wanted = modules.length > 0 ? `Python 3 with ${names}` : 'Python 3';
  return { missing: `no ${wanted}: ${failures.join('; ')}. ${INSTALL}, or set ${PYTHON_VARIABLE}` };
}
