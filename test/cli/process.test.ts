/**
 * The command as a process (`node --import tsx rule/bin.ts`): what a shell sees when the reader of its output goes
 * away early, as `... | head -1` does.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CIS_PATTERNS } from '../../rule/pattern/cis';

const ROOT = join(__dirname, '..', '..');
const TIMEOUT = 30_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the command with its standard output a pipe whose reading end is closed before anything is written. */
function runWithClosedStdout(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'rule/bin.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed standard output (EPIPE)', () => {
  it.each([
    ['sample', ['sample'], 0],
    ['an accepted pattern', ['pattern', CIS_PATTERNS['cis-2.0']], 0],
    ['a rejected pattern', ['pattern', CIS_PATTERNS['cis-1.3'], '--format', 'json'], 1],
  ] as const)(
    'ends %s quietly with the status of the verdict',
    async (_what, args, status) => {
      const exit = await runWithClosedStdout([...args]);
      expect(exit.stderr).toBe('');
      expect(exit).toEqual({ code: status, signal: null, stderr: '' });
    },
    TIMEOUT,
  );
});
