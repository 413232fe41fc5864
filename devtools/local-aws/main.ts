/**
 * Serves a state file as a local AWS:
 *
 *   node --import tsx devtools/local-aws/main.ts --state FILE [--port N] [--page-size N]
 *
 * prints the endpoint and each account's (fake) credentials, and serves until SIGINT/SIGTERM. The live state and
 * the call log can be read at GET /_local-aws/state and GET /_local-aws/log.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../rule/cli-errors';
import { isRecord } from './common';
import { startLocalAws, type LocalAws } from './server';
import type { AccountState, World } from './state';

export { UsageError };

export const DEFAULT_PORT = 4566;

export interface MainOptions {
  statePath: string;
  port: number;
  pageSize?: number;
}


const USAGE = 'usage: node --import tsx devtools/local-aws/main.ts --state FILE [--port N] [--page-size N]';

export function parseArgs(argv: string[]): MainOptions {
  let statePath: string | undefined;
  let port = DEFAULT_PORT;
  let pageSize: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (min: number, max: number) => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not ${v}`);
      return n;
    };
    if (flag === '--state') statePath = value();
    else if (flag === '--port') port = integer(0, 65_535);
    else if (flag === '--page-size') pageSize = integer(1, 1000);
    else if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  if (statePath === undefined) throw new UsageError(`--state is required\n${USAGE}`);
  return pageSize === undefined ? { statePath, port } : { statePath, port, pageSize };
}

/** A World from JSON, with the lists a hand-written account may leave out defaulted to empty. */
export function parseWorld(text: string, source: string): World {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.accounts)) throw new UsageError(`${source}: expected an object with an "accounts" array`);
  const accounts = parsed.accounts.map((account, index): AccountState => {
    if (!isRecord(account) || typeof account.accountId !== 'string' || !/^\d{12}$/.test(account.accountId)) {
      throw new UsageError(`${source}: accounts[${index}] needs a 12-digit "accountId"`);
    }
    return { trails: [], logGroups: [], alarms: [], topics: [], ...(account as Partial<AccountState>), accountId: account.accountId };
  });
  return { ...(parsed as Partial<World>), accounts };
}

export function banner(local: LocalAws, statePath: string): string[] {
  const lines = [`local-aws: serving ${statePath} at ${local.endpoint}`];
  for (const account of local.world.accounts) {
    const key = local.credentialsFor(account.accountId);
    lines.push(`  account ${account.accountId}: AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
  }
  lines.push(
    `SDK v3 and AWS CLI v2: export AWS_ENDPOINT_URL=${local.endpoint}; any AWS CLI: aws --endpoint-url ${local.endpoint} ...`,
    `state: GET ${local.endpoint}/_local-aws/state   call log: GET ${local.endpoint}/_local-aws/log`,
  );
  return lines;
}

/** Starts the emulator for `argv` and prints how to reach it; the caller closes it. */
export async function main(argv: string[], print: (line: string) => void = (line) => console.log(line)): Promise<LocalAws> {
  const options = parseArgs(argv);
  let text: string;
  try {
    text = readFileSync(options.statePath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${options.statePath}: ${(error as Error).message}`);
  }
  const world = parseWorld(text, options.statePath);
  let local: LocalAws;
  try {
    local = await startLocalAws({ world, port: options.port, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new UsageError(`port ${options.port} on 127.0.0.1 is taken (another local-aws?); choose another with --port N, or --port 0 for any free port`);
  }
  for (const line of banner(local, options.statePath)) print(line);
  return local;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (local) => {
      const stop = () => {
        void local.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? error.message : error);
      process.exit(2);
    },
  );
}
