/** What a new user meets first: each command's --help, one-line usage errors, and patterns that begin with '-'. */
import { runInMemory } from '../support/cli-io';

function run(argv: string[], files: Record<string, string> = {}) {
  return runInMemory(argv, { files });
}

describe('--help', () => {
  it.each([['--help'], ['-h'], ['help']])('at the top level (%s) lists the commands on stdout, exit 0', async (flag) => {
    const { code, stdout, stderr } = await run([flag]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: unauthorized-api-calls-monitored <command>/);
    for (const command of ['pattern', 'evaluate', 'sample']) expect(stdout).toContain(`\n  ${command} `);
    expect(stdout).toContain('unauthorized-api-calls-monitored <command> --help');
  });

  it.each([
    ['pattern', '--help', '--allow-broad', '--region'],
    ['pattern', '-h', '--events FILE', '--publish'],
    ['evaluate', '--help', '--result-token', '--allow-broad'],
    ['evaluate', '-h', 'AWS_PROFILE', '--events'],
    ['sample', '--help', 'bundled sample metric filters', '--region'],
  ])('%s %s prints that command\'s own usage on stdout, exit 0', async (command, flag, own, other) => {
    const { code, stdout, stderr } = await run([command, flag]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^Usage: unauthorized-api-calls-monitored ${command}`));
    expect(stdout).toContain(own);
    expect(stdout).not.toContain(other);
    expect(stdout).toMatch(/Exit status: 0 /);
  });

  it('wins over the other arguments of the command', async () => {
    const { code, stdout } = await run(['pattern', '{ $.errorCode = "x" }', '--format', 'json', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: unauthorized-api-calls-monitored pattern/);
  });
});

describe('a usage error', () => {
  it.each([
    ['no command', [], 'error: a command is required', ''],
    ['an unknown command', ['judge'], "error: unknown command 'judge'", ''],
    ['a missing pattern', ['pattern'], 'error: the pattern is missing', 'pattern '],
    ['an unknown option of evaluate', ['evaluate', '--bogus'], "error: Unknown option '--bogus'", 'evaluate '],
    ['a bad rule parameter', ['evaluate', '--param', 'Strict=cis-1.2'], "error: unknown rule parameter 'Strict'", 'evaluate '],
    ['an argument to sample', ['sample', 'x'], "error: 'sample' takes no arguments", 'sample '],
  ])('on %s is one line and where to find help, on stderr, exit 2', async (_what, argv, message, command) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toBe(`see \`unauthorized-api-calls-monitored ${command}--help\``);
    expect(lines[2]).toBe('');
  });

  it("on an unknown option of pattern says how to pass a pattern that begins with '-'", async () => {
    const { code, stderr } = await run(['pattern', '--ERROR']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe("error: Unknown option '--ERROR'; a pattern that begins with '-' goes after '--': pattern -- '<pattern>'");
  });
});

describe("a term pattern that begins with '-' (a '-' excludes a term)", () => {
  const events = JSON.stringify(['ERROR disk full', 'all good']);

  it.each([
    ['alone', ['pattern', '-ERROR']],
    ["after '--'", ['pattern', '--', '-ERROR']],
    ['before options', ['pattern', '-ERROR', '--format', 'json']],
    ["after options and '--'", ['pattern', '--format', 'json', '--', '-ERROR']],
  ])('is taken as the pattern %s', async (_where, argv) => {
    const [command, ...rest] = argv;
    const { code, stdout, stderr } = await run([command!, '--events', 'e.json', ...rest], { 'e.json': events });
    expect(stderr).toBe('');
    // Judged as the term pattern: valid, rejected (it reads the raw record, not its fields), exit 1.
    expect(code).toBe(1);
    if (argv.includes('json')) expect(JSON.parse(stdout)).toMatchObject({ valid: true, accepted: false, matches: [false, true] });
    else expect(stdout).toMatch(/^REJECTED {2}a term pattern looks for words/);
  });

  it('names the arguments when a mistyped option makes a second one', async () => {
    const { code, stderr } = await run(['pattern', '{ $.errorCode = "x" }', '-f', 'json']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`error: give the pattern as one argument, in single quotes; got 3: '{ $.errorCode = "x" }' '-f' 'json'`);
  });

  it('still leaves -h to --help', async () => {
    expect((await run(['pattern', '-h'])).stdout).toMatch(/^Usage: unauthorized-api-calls-monitored pattern/);
  });
});
