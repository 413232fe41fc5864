/**
 * The command line run in-process with an in-memory CliIo: what it prints is collected, the files and standard input
 * it may read are given, and the environment and Node version are those of a user on Node 22 who has nothing set.
 */
import { runCli, type CliIo } from '../../rule/cli';
import type { EvaluateDependencies } from '../../rule/cli-evaluate';

export interface InMemoryIo {
  /** Files by path; reading any other path fails with the message Node's readFile gives. */
  files?: Readonly<Record<string, string>>;
  /** What `--events -` reads. */
  stdin?: string;
  /**
   * The environment the command reads and writes (evaluate sets the SDK's warning switch in it); by default a fresh
   * one with that switch already set, so that no note precedes the output.
   */
  env?: NodeJS.ProcessEnv;
  /** As `process.version`; by default a Node the AWS SDK supports. */
  nodeVersion?: string;
  /** Whether an unexpected error is printed with its stack trace. */
  debug?: boolean;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` as the command would with `aws` in place of the AWS SDK (evaluate), returning its exit code and output. */
export async function runInMemory(argv: string[], options: InMemoryIo = {}, aws?: EvaluateDependencies): Promise<CliRun> {
  const { files = {}, stdin = '', env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, nodeVersion = 'v22.12.0', debug = false } = options;
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: async (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return content;
    },
    readStdin: async () => stdin,
    isTty: false,
    env,
    nodeVersion,
    debug,
  };
  const code = await runCli(argv, io, aws);
  return { code, stdout, stderr };
}
