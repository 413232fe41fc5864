#!/usr/bin/env node
/** Entry point of the `unauthorized-api-calls-monitored` command: wires the CLI to the process. */
import { readFile } from 'node:fs/promises';
import { UNEXPECTED_ERROR_STATUS, describeUnexpectedError, runCli } from './cli';
import { printable } from './text';

const debug = Boolean(process.env.DEBUG);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// The reader of the output went away (`... | head -1`). Node ignores SIGPIPE, so the write fails with EPIPE, which
// would crash the process with a stack trace; instead the rest of the output is dropped and the status stays the
// command's, as for a CLI ended quietly by SIGPIPE. Later writes to the destroyed stream fail too: ignored alike.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (stdoutClosed) return;
  stdoutClosed = true;
  if (error.code === 'EPIPE') return;
  process.stderr.write(`error: cannot write to standard output: ${printable(error.message, 200)}\n`);
  process.exitCode = UNEXPECTED_ERROR_STATUS;
});
// Nowhere is left to report a failure to write an error message.
process.stderr.on('error', () => undefined);
// runCli turns its own errors into statuses; this catches what escapes it (an error emitted later by a library).
process.on('uncaughtException', (error) => {
  process.stderr.write(describeUnexpectedError(error, debug));
  process.exit(UNEXPECTED_ERROR_STATUS);
});

void runCli(process.argv.slice(2), {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin,
  isTty: Boolean(process.stdout.isTTY),
  debug,
  env: process.env,
  nodeVersion: process.version,
}).then((code) => {
  // A failed write to standard output (reported above) keeps its status.
  if (process.exitCode === undefined) process.exitCode = code;
});
