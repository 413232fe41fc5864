/**
 * The CLI: `node --import tsx devtools/local-aws/main.ts --state FILE [--port N]` serves a state file and prints
 * the endpoint and each account's credentials.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { UsageError, main, parseArgs, parseWorld } from '../../devtools/local-aws/main';
import type { LocalAws } from '../../devtools/local-aws/server';
import { ACCOUNT_ID, MANAGEMENT_ACCOUNT_ID, REGION, organizationWorld } from '../support/world';

let dir: string;
let running: LocalAws | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-aws-'));
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function stateFile(content: unknown): string {
  const path = join(dir, 'state.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('main', () => {
  it('serves the state file and prints the endpoint and every account key', async () => {
    const path = stateFile(organizationWorld());
    const lines: string[] = [];
    running = await main(['--state', path, '--port', '0'], (line) => lines.push(line));
    expect(lines[0]).toBe(`local-aws: serving ${path} at ${running.endpoint}`);
    expect(lines[1]).toBe(`  account ${MANAGEMENT_ACCOUNT_ID}: AWS_ACCESS_KEY_ID=AKIA${MANAGEMENT_ACCOUNT_ID}TEST AWS_SECRET_ACCESS_KEY=local-aws-secret-for-${MANAGEMENT_ACCOUNT_ID}`);
    expect(lines[2]).toContain(`AWS_ACCESS_KEY_ID=AKIA${ACCOUNT_ID}TEST`);
    expect(lines.join('\n')).toContain(`export AWS_ENDPOINT_URL=${running.endpoint}`);

    const sts = new STSClient({ region: REGION, endpoint: running.endpoint, credentials: running.credentialsFor(ACCOUNT_ID) });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT_ID);
    const state = (await (await fetch(`${running.endpoint}/_local-aws/state`)).json()) as { accounts: unknown[] };
    expect(state.accounts).toHaveLength(2);
    const log = (await (await fetch(`${running.endpoint}/_local-aws/log`)).json()) as { action: string }[];
    expect(log.map((e) => e.action)).toEqual(['sts:GetCallerIdentity']);
  });

  it('accepts a hand-written state that leaves out empty lists and names its own keys', () => {
    const world = parseWorld(
      JSON.stringify({ accounts: [{ accountId: ACCOUNT_ID, accessKeys: [{ accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 's' }] }] }),
      'state.json',
    );
    expect(world.accounts[0]).toEqual({
      accountId: ACCOUNT_ID,
      accessKeys: [{ accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 's' }],
      trails: [],
      logGroups: [],
      alarms: [],
      topics: [],
    });
  });

  it('refuses bad arguments and bad state files with a usage error', async () => {
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['--state'])).toThrow('--state needs a value');
    expect(() => parseArgs(['--state', 'x', '--port', 'http'])).toThrow('--port must be an integer');
    expect(() => parseArgs(['--nope'])).toThrow('unknown argument --nope');
    expect(parseArgs(['--state=x', '--page-size', '50'])).toEqual({ statePath: 'x', port: 4566, pageSize: 50 });
    expect(() => parseWorld('{', 'f')).toThrow('f is not JSON');
    expect(() => parseWorld('{"accounts":[{"accountId":"1"}]}', 'f')).toThrow('12-digit');
    await expect(main(['--state', join(dir, 'absent.json')], () => undefined)).rejects.toThrow('cannot read');
  });

  it('says a port is taken, and how to choose another, instead of an EADDRINUSE stack', async () => {
    const path = stateFile(organizationWorld());
    const first = await main(['--state', path, '--port', '0'], () => undefined);
    try {
      const port = new URL(first.endpoint).port;
      await expect(main(['--state', path, '--port', port], () => undefined)).rejects.toThrow(
        new UsageError(`port ${port} on 127.0.0.1 is taken (another local-aws?); choose another with --port N, or --port 0 for any free port`),
      );
    } finally {
      await first.close();
    }
  });

  it('runs as a program and stops on SIGTERM', async () => {
    const path = stateFile(organizationWorld());
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../devtools/local-aws/main.ts'), '--state', path, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no endpoint printed: ${output}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    const sts = new STSClient({ region: REGION, endpoint, credentials: { accessKeyId: `AKIA${ACCOUNT_ID}TEST`, secretAccessKey: 'x' } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT_ID);
    sts.destroy();
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 15_000);
});
