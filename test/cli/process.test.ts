/**
 * The command as a process (`node --import tsx rule/bin.ts`): what a shell sees when the reader of its output goes
 * away early, as `... | head -1` does, and what the AWS SDK itself prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Runs the command to its end with an environment built from scratch: no AWS settings, no profile files. */
function runWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<Exit & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'rule/bin.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("the AWS SDK's Node version warning", () => {
  const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
  const bareEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const noRegion = 'error: no region: pass --region or set AWS_REGION (or a region in your AWS profile)\n';
  const major = Number(process.versions.node.split('.')[0]);

  // Without a region, `evaluate` still builds an SDK client (to ask the SDK for its default region), which is
  // where the SDK prints its eight-line warning on Node < 22.
  it(
    'does not bury the output of evaluate: at most one line of note',
    async () => {
      const exit = await runWithEnv(['evaluate'], bareEnv);
      expect(exit.code).toBe(2);
      expect(exit.stderr).not.toContain('NodeVersionSupportWarning');
      if (major < 22) expect(exit.stderr).toBe(`note: Node ${major} is past its end of life; AWS SDK releases after the first week of January 2027 need Node 22 or later\n${noRegion}`);
      else expect(exit.stderr).toBe(noRegion);
    },
    TIMEOUT,
  );

  it(
    'is not replaced by a note when the user switched it off',
    async () => {
      const exit = await runWithEnv(['evaluate'], { ...bareEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
      expect(exit).toMatchObject({ code: 2, stderr: noRegion });
    },
    TIMEOUT,
  );
});
