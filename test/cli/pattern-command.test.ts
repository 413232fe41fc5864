/** The command line as a user drives it: arguments, output formats, exit codes, events files. */
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { runInMemory, type CliRun } from '../support/cli-io';

/** What `pattern --format json` prints. */
interface PatternJson {
  valid: boolean;
  accepted: boolean;
  reason: string;
  counterexample: Record<string, unknown> | null;
  matches?: boolean[];
}

const patternJson = (stdout: string): PatternJson => JSON.parse(stdout) as PatternJson;

function run(argv: string[], files: Record<string, string> = {}, stdin = ''): Promise<CliRun> {
  return runInMemory(argv, { files, stdin });
}

describe('pattern command', () => {
  it('accepts the CIS v2.0 pattern with exit 0 and the documented JSON shape', async () => {
    const { code, stdout } = await run(['pattern', CIS_PATTERNS['cis-2.0'], '--format', 'json']);
    expect(code).toBe(0);
    const out = patternJson(stdout);
    expect(Object.keys(out).sort()).toEqual(['accepted', 'counterexample', 'reason', 'valid']);
    expect(out).toMatchObject({ valid: true, accepted: true, counterexample: null });
  });

  it('rejects the all-|| pattern with exit 1 and a successful call as counterexample', async () => {
    const { code, stdout } = await run(['pattern', CIS_PATTERNS['cis-1.3'], '--format', 'json']);
    expect(code).toBe(1);
    const out = patternJson(stdout);
    expect(out.valid).toBe(true);
    expect(out.accepted).toBe(false);
    expect(out.reason).toMatch(/^also matches successful calls/);
    expect(out.counterexample).toMatchObject({ eventName: 'DescribeInstances' });
    expect(out.counterexample?.errorCode).toBeUndefined();
  });

  it('accepts the all-|| pattern with --allow-broad', async () => {
    expect((await run(['pattern', CIS_PATTERNS['cis-1.3'], '--allow-broad'])).code).toBe(0);
  });

  it('reports an invalid pattern with exit 1, valid false and the fix', async () => {
    const { code, stdout } = await run(['pattern', "{ $.errorCode = 'AccessDenied*' }", '--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      valid: false,
      accepted: false,
      reason: 'invalid filter pattern at character 17: single quotes are not string delimiters in filter patterns; use double quotes',
      counterexample: null,
    });
  });

  it('applies --strict', async () => {
    expect((await run(['pattern', CIS_PATTERNS['cis-2.0'], '--strict', 'cis-2.0'])).code).toBe(0);
    const { code, stdout } = await run(['pattern', CIS_PATTERNS['cis-2.0'], '--strict', 'cis-1.2']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^REJECTED {2}it matches the right records, but strict cis-1\.2 mode/);
  });

  it('prints a readable verdict and the deciding fields of the counterexample on one line in text format', async () => {
    const { stdout } = await run(['pattern', '{ $.errorCode = "AccessDenied*" }']);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^REJECTED {2}misses unauthorized calls: RunInstances \(ec2\.amazonaws\.com\) failing with errorCode Client\.UnauthorizedOperation/);
    expect(lines.slice(1)).toEqual([
      'counterexample: eventSource "ec2.amazonaws.com", eventName "RunInstances", errorCode "Client.UnauthorizedOperation", sourceIPAddress "203.0.113.12" (the whole record: --format json)',
      '',
    ]);
  });

  it("names every field the pattern's conditions read in the counterexample's line, and keeps the whole record in JSON", async () => {
    const pattern =
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.userIdentity.type = "IAMUser") || ($.requestParameters.bucketName = "b") }';
    const text = await run(['pattern', pattern]);
    expect(text.stdout.split('\n')[1]).toBe(
      'counterexample: eventSource "ec2.amazonaws.com", eventName "DescribeInstances", no errorCode, sourceIPAddress "203.0.113.12", userIdentity.type "IAMUser", no requestParameters.bucketName (the whole record: --format json)',
    );
    const json = patternJson((await run(['pattern', pattern, '--format', 'json'])).stdout);
    expect(json.counterexample).toMatchObject({ eventVersion: '1.10', eventName: 'DescribeInstances', userIdentity: { type: 'IAMUser', userName: 'alice' } });
  });

  describe('--events', () => {
    const events = JSON.stringify([
      { eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation', sourceIPAddress: '203.0.113.12' },
      { eventName: 'DescribeInstances', sourceIPAddress: '203.0.113.12' },
      '{"eventName":"GetObject","errorCode":"AccessDenied","sourceIPAddress":"198.51.100.7"}',
      'not json at all',
    ]);

    it('tests the pattern against each event, in input order', async () => {
      const { stdout } = await run(['pattern', CIS_PATTERNS['cis-2.0'], '--events', 'events.json', '--format', 'json'], { 'events.json': events });
      expect(patternJson(stdout).matches).toEqual([true, false, true, false]);
    });

    it('reads events from standard input with -, naming each event in text output', async () => {
      const { stdout } = await run(['pattern', CIS_PATTERNS['cis-1.3'], '--events', '-'], {}, events);
      expect(stdout.split('\n').slice(-5)).toEqual([
        'event 1: match     RunInstances (no eventSource) failing with errorCode Client.UnauthorizedOperation from 203.0.113.12',
        'event 2: match     DescribeInstances (no eventSource) succeeding (no errorCode) from 203.0.113.12',
        'event 3: match     raw message {"eventName":"GetObject","errorCode":"AccessDenied","source…',
        'event 4: no match  raw message not json at all',
        '',
      ]);
    });

    it('names a JSON event that is no CloudTrail record by its text, escaped and cut', async () => {
      const other = JSON.stringify([{ level: 'ERROR', message: `disk\u202efull ${'x'.repeat(200)}` }, 'line\nbreak']);
      const { stdout } = await run(['pattern', 'ERROR', '--events', 'other.json'], { 'other.json': other });
      expect(stdout.split('\n').slice(-3)).toEqual([
        'event 1: match     JSON event {"level":"ERROR","message":"disk\\u{202E}full xxxxxxxxxxxxxx…',
        'event 2: no match  raw message line\\u{000A}break',
        '',
      ]);
    });

    it.each([
      ['a missing file', 'missing.json', {}, /cannot read events from missing\.json: ENOENT/],
      ['invalid JSON', 'bad.json', { 'bad.json': '[{' }, /events in bad\.json are not valid JSON/],
      ['a non-array', 'obj.json', { 'obj.json': '{"a":1}' }, /events must be a JSON array of log events/],
      ['a number among the events', 'num.json', { 'num.json': '[{}, 3]' }, /events\[1\] is number; each event must be a JSON object or a string/],
      ['an event nested 100,000 deep', 'deep.json', { 'deep.json': `[{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}]` }, /events in deep\.json nest arrays and objects deeper than 100 levels/],
    ] as const)('refuses %s with exit 2', async (_what, path, files, message) => {
      // A term pattern reads a JSON event as its whole text, where a deep one once overflowed the stack.
      const { code, stderr } = await run(['pattern', 'ERROR', '--events', path], files);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });
  });

  it.each([
    ['no command', [], /a command is required/],
    ['an unknown command', ['judge'], /unknown command 'judge'/],
    ['a missing pattern', ['pattern'], /the pattern is missing/],
    ['two patterns', ['pattern', 'a', 'b'], /give the pattern as one argument/],
    ['an unknown option', ['pattern', 'x', '--loose'], /Unknown option '--loose'/],
    ['a bad format', ['pattern', 'x', '--format', 'yaml'], /--format must be text or json/],
    ['a bad strict version', ['pattern', 'x', '--strict', 'cis-1.3'], /--strict must be one of cis-1\.2, cis-2\.0/],
  ])('exits 2 with a pointer to --help on %s', async (_what, argv, message) => {
    const { code, stderr, stdout } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/\nsee `unauthorized-api-calls-monitored (pattern )?--help`\n$/);
  });
});

describe('what the command line echoes', () => {
  // U+061C ARABIC LETTER MARK is accepted by CloudWatch Logs inside a value, and so reaches the reason and the
  // counterexample; printed raw it would reorder what a reader sees.
  const pattern = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || $.eventName = "\u061cx" }';
  // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

  it('shows control and bidirectional characters from the pattern as escapes in text output', async () => {
    const { code, stdout } = await run(['pattern', pattern]);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(UNSAFE);
    expect(stdout).toContain('succeeding (no errorCode) from 203.0.113.12 matches through $.eventName = "\\u{061C}x"');
  });

  it('prints JSON whose text carries no such character and whose values are unchanged', async () => {
    const { stdout } = await run(['pattern', pattern, '--format', 'json']);
    expect(stdout).not.toMatch(UNSAFE);
    const out = patternJson(stdout);
    expect(out.counterexample?.eventName).toBe('\u061cx');
    expect(out.reason).toContain('$.eventName = "\u061cx"');
  });

  const huge = 'q'.repeat(1_000_000);
  it.each([
    ['an unknown command', [huge]],
    ['a bad --format', ['pattern', 'x', '--format', huge]],
    ['a bad --strict', ['pattern', 'x', '--strict', huge]],
    ['an unknown option', ['pattern', 'x', `--${huge}`]],
    ['a missing events file', ['pattern', 'x', '--events', huge]],
  ])('cuts what it echoes of %s', async (_what, argv) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]!.length).toBeLessThan(600);
    expect(stderr).toContain('qqq…');
  });

  it('shows control and bidirectional characters of an echoed option as escapes', async () => {
    const { code, stderr } = await run(['pattern', 'x', '--format', 'json\u202e\u001b[2J']);
    expect(code).toBe(2);
    expect(stderr).not.toMatch(UNSAFE);
    expect(stderr).toContain("--format must be text or json, not 'json\\u{202E}\\u{001B}[2J'");
  });
});

describe('sample command', () => {
  it('judges every bundled sample filter and summarises', async () => {
    const { code, stdout } = await run(['sample']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/CIS v1\.3-v1\.5 \(all \|\|\) +REJECTED/);
    expect(stdout).toMatch(/CIS v2\.0\+ +ACCEPTED/);
    expect(stdout).toMatch(/\n4 accepted, 6 rejected\n$/);
  });
});
