/**
 * The command line over the fifteen CIS Monitoring controls: `pattern --control`, `--cis-version`, `--strict` per
 * control, `pattern --control all` ("what is this filter for?"), `evaluate --control <id>|all`, the family-wide
 * command name, and a one-line usage error (exit 2) for every bad value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluateDependencies } from '../../rule/cli-evaluate';
import { CONTROLS, controlById, publishedPattern } from '../../rule/controls/catalogue';
import type { ControlId } from '../../rule/controls/control';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { runInMemory, type CliRun } from '../support/cli-io';
import { FakeAwsReader } from '../support/fake-reader';
import { compliantWorld, type World } from '../support/world';

const ROOT = join(__dirname, '..', '..');

/** The events file of these tests is never read for the pattern: every --events case is refused first. */
const run = (argv: string[]): Promise<CliRun> => runInMemory(argv, { files: { 'e.json': '[]' }, stdin: '[]' });

/** A bundled sample account (examples/accounts), as the local AWS serves it. */
function sample(name: string): { world: World; accountId: string } {
  const world = JSON.parse(readFileSync(join(ROOT, 'examples', 'accounts', `${name}.json`), 'utf8')) as World;
  return { world, accountId: world.accounts[0]!.accountId };
}

async function evaluate(argv: string[], { world, accountId }: { world: World; accountId: string } = { world: compliantWorld(), accountId: '111122223333' }): Promise<CliRun> {
  const aws: EvaluateDependencies = {
    defaultRegion: async () => 'us-east-1',
    createReader: async () => ({ ok: true, value: new FakeAwsReader(world, accountId) }),
    configClient: () => {
      throw new Error('nothing is published in these tests');
    },
  };
  return runInMemory(['evaluate', ...argv], { files: { 'e.json': '[]' }, stdin: '[]' }, aws);
}

const text = (control: ControlId, id: string): string => publishedPattern(controlById(control), id)!.text;
const ROOT_USAGE = text('root-usage', 'securityhub');

/** A usage error: one line on stderr, then the pointer to the command's --help; nothing on stdout. */
function expectUsageError(result: CliRun, command: string, message: string | RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const [line, pointer, end, ...more] = result.stderr.split('\n');
  expect(line).toMatch(message);
  expect(pointer).toBe(`see \`unauthorized-api-calls-monitored ${command} --help\``);
  expect([end, ...more]).toEqual(['']);
}

describe('pattern --control', () => {
  it('judges against unauthorized-api-calls by default, byte for byte as before the family', async () => {
    for (const pattern of [CIS_PATTERNS['cis-1.3'], ROOT_USAGE, '{ $.errorCode = "AccessDenied*" }']) {
      for (const format of ['text', 'json']) {
        const plain = await run(['pattern', pattern, '--format', format]);
        expect(await run(['pattern', pattern, '--format', format, '--control', 'unauthorized-api-calls'])).toEqual(plain);
        expect(await run(['pattern', pattern, '--format', format, '--control', 'CloudWatch.2'])).toEqual(plain);
      }
    }
  });

  it.each(['root-usage', 'Root-Usage', 'CloudWatch.1', 'cloudwatch.1'])('judges the root-usage text against root usage with --control %s', async (control) => {
    const { code, stdout } = await run(['pattern', ROOT_USAGE, '--control', control]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ACCEPTED {2}/);
  });

  it('rejects a pattern of one control under another, with a counterexample', async () => {
    const { code, stdout } = await run(['pattern', ROOT_USAGE, '--control', 'iam-policy-changes', '--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, accepted: false, counterexample: expect.any(Object) });
  });

  it('judges by the policy of --cis-version: six security-group names suffice before v5.0, not after', async () => {
    const sixNames = text('security-group-changes', 'securityhub');
    expect((await run(['pattern', sixNames, '--control', 'security-group-changes', '--cis-version', '4.0'])).code).toBe(0);
    const newest = await run(['pattern', sixNames, '--control', 'security-group-changes']);
    expect(newest.code).toBe(1);
    expect(newest.stdout).toContain('ModifySecurityGroupRules');
    expect((await run(['pattern', sixNames, '--control', 'security-group-changes', '--cis-version', 'v7.0.0'])).stdout).toBe(newest.stdout);
  });

  it("takes --strict as one of the control's published patterns", async () => {
    const basic = text('console-signin-without-mfa', 'cis-6.0');
    expect((await run(['pattern', basic, '--control', 'console-signin-without-mfa', '--strict', 'cis-6.0'])).code).toBe(0);
    const strict = await run(['pattern', basic, '--control', 'CloudWatch.3', '--strict', 'securityhub']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^REJECTED {2}it matches the right records, but strict securityhub mode/);
  });
});

describe('pattern --control all: what is this filter for?', () => {
  it('says for every control, in CIS order, whether the pattern serves it and why not, then which it serves; exit 0', async () => {
    const { code, stdout } = await run(['pattern', ROOT_USAGE, '--control', 'all']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(CONTROLS.length + 2);
    CONTROLS.forEach((control, i) => expect(lines[i]).toMatch(new RegExp(`^${control.id} +\\S+ +(ACCEPTED|REJECTED) {2}\\S`)));
    expect(lines[2]).toMatch(/^root-usage +5\.3 +ACCEPTED {2}/);
    expect(lines[0]).toMatch(/^unauthorized-api-calls +5\.1 +REJECTED {2}/);
    expect(lines.slice(-2)).toEqual(['serves root-usage', '']);
  });

  it('keeps each line short, the whole reason being one --control ID away', async () => {
    // A summary may quote a field of the pattern; a line per control stays readable however long that is.
    const pattern = `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.userIdentity.${'a'.repeat(300)} = "x") }`;
    const { stdout } = await run(['pattern', pattern, '--control', 'all']);
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(CONTROLS.length + 2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(220);
    expect(lines.filter((line) => line.endsWith('…')).length).toBeGreaterThan(0);
  });

  it('numbers the controls as the chosen CIS version does', async () => {
    const { stdout } = await run(['pattern', ROOT_USAGE, '--control', 'all', '--cis-version', '1.2']);
    expect(stdout).toMatch(/^root-usage +3\.3 +ACCEPTED/m);
    expect(stdout).toMatch(/^organizations-changes +- +REJECTED/m);
  });

  it('exits 1 when the pattern serves no control, saying so', async () => {
    const { code, stdout } = await run(['pattern', '{ $.eventName = "ConsoleLogin1" }', '--control', 'all']);
    expect(code).toBe(1);
    expect(stdout.split('\n').slice(-2)).toEqual(['serves no control', '']);
  });

  it('says INVALID on every line for a pattern CloudWatch Logs refuses', async () => {
    const { code, stdout } = await run(['pattern', '{ $.eventName == "x" }', '--control', 'all']);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter((l) => / INVALID +is not a valid filter pattern/.test(l))).toHaveLength(CONTROLS.length);
  });

  it('gives an array in JSON, one object per control', async () => {
    const { code, stdout } = await run(['pattern', CIS_PATTERNS['cis-2.0'], '--control', 'all', '--format', 'json']);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Array<{ control: string; valid: boolean; accepted: boolean; reason: string; counterexample: unknown }>;
    expect(rows.map((r) => r.control)).toEqual(CONTROLS.map((c) => c.id));
    for (const r of rows) expect(Object.keys(r)).toEqual(['control', 'valid', 'accepted', 'reason', 'counterexample']);
    expect(rows.filter((r) => r.accepted).map((r) => r.control)).toEqual(['unauthorized-api-calls']);
  });
});

describe('evaluate --control', () => {
  it('evaluates one control (by id or Security Hub id) as --param Control does', async () => {
    const mistakes = sample('common-mistakes');
    const byId = await evaluate(['--control', 'cmk-disable-or-scheduled-deletion'], mistakes);
    expect(byId.code).toBe(1);
    expect(byId.stdout).toMatch(/^777777777777 {2}us-east-1 {2}NON_COMPLIANT {2}.*kms\.amazonaws\.com/);
    expect(await evaluate(['--control', 'CloudWatch.7'], mistakes)).toEqual(byId);
    expect(await evaluate(['--param', 'Control=cmk-disable-or-scheduled-deletion'], mistakes)).toEqual(byId);
  });

  it('prints unauthorized-api-calls as before when --control names it', async () => {
    expect(await evaluate(['--control', 'unauthorized-api-calls'])).toEqual(await evaluate([]));
    expect(await evaluate(['--control', 'unauthorized-api-calls', '--format', 'json'])).toEqual(await evaluate(['--format', 'json']));
  });

  it('all: the account, then a row per control (id, CIS number, compliance type, annotation); exit 0 when every one is compliant', async () => {
    const { code, stdout } = await evaluate(['--control', 'all'], sample('compliant'));
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('account 111111111111 in us-east-1, CIS v7.0');
    expect(lines).toHaveLength(CONTROLS.length + 2);
    CONTROLS.forEach((control, i) => expect(lines[i + 1]).toMatch(new RegExp(`^${control.id} +${control.cisNumbers['v6.0-v7.0'].replace('.', '\\.')} +COMPLIANT +Trail `)));
  });

  it('all: exit 1 when any control is not compliant', async () => {
    const { code, stdout } = await evaluate(['--control', 'all'], sample('common-mistakes'));
    expect(code).toBe(1);
    expect(stdout).toMatch(/^cmk-disable-or-scheduled-deletion +5\.7 +NON_COMPLIANT {2}.*kms\.amazonaws\.com/m);
    expect(stdout).toMatch(/^cloudtrail-config-changes +5\.5 +COMPLIANT {2}/m);
  });

  it('all in JSON: one evaluation per control, named by its control and Config rule', async () => {
    const { stdout } = await evaluate(['--control', 'all', '--format', 'json', '--param', 'CisVersion=5.0'], sample('compliant'));
    const rows = JSON.parse(stdout) as Array<Record<string, string>>;
    expect(rows).toHaveLength(CONTROLS.length);
    expect(rows[2]).toEqual({
      Control: 'root-usage',
      ConfigRuleName: 'root-usage-monitored',
      ComplianceResourceType: 'AWS::::Account',
      ComplianceResourceId: '111111111111',
      ComplianceType: 'COMPLIANT',
      Annotation: expect.stringMatching(/^Trail .*filter 'root-usage'/),
    });
  });
});

describe('the family-wide command name', () => {
  it('is installed beside unauthorized-api-calls-monitored, the same program', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'unauthorized-api-calls-monitored': 'dist/cli.js', 'cis-monitoring': 'dist/cli.js' });
  });

  it('is named in --help, which lists every control with its CIS numbers and Security Hub id', async () => {
    const { stdout } = await run(['--help']);
    expect(stdout).toContain('cis-monitoring <command>');
    const rows = stdout.split('\n').map((line) => line.trim().split(/ {2,}/));
    for (const control of CONTROLS) expect(rows).toContainEqual([control.id, expect.stringMatching(/^[0-9./]+$/), control.securityHubId ?? '-', control.subject]);
    expect(stdout).toMatch(/\n {2}unauthorized-api-calls +3\.1\/4\.1\/5\.1 +CloudWatch\.2 +Unauthorized API calls\n/);
  });

  it.each([
    ['pattern', ['--control ID|all', '--cis-version V', '--strict ID']],
    ['evaluate', ['--control ID|all', 'Control=ID', 'CisVersion=1.2|1.3|1.4|1.5|2.0|3.0|4.0|5.0|6.0|7.0']],
  ])('%s --help shows the options for controls', async (command, options) => {
    const { stdout } = await run([command, '--help']);
    for (const option of options) expect(stdout).toContain(option);
  });
});

describe('a bad value for a control option is a usage error, exit 2', () => {
  it.each([
    ['an unknown control', ['--control', 'root-usag'], /^error: --control must be a control's short id or Security Hub id \(CloudWatch\.1-14\), not 'root-usag'; controls: unauthorized-api-calls, console-signin-without-mfa, /],
    ['an empty control', ['--control', ''], /^error: --control must be .*, not ''/],
    ['a Security Hub id that does not exist', ['--control', 'CloudWatch.15'], /not 'CloudWatch\.15'/],
    ['an unknown CIS version', ['--cis-version', '8.0'], /^error: --cis-version must be one of 1\.2, 1\.3, .*7\.0, not '8\.0'$/],
    ['a strict id of another control', ['--control', 'root-usage', '--strict', 'cis-2.0'], /^error: --strict must be one of cis-1\.2, cis-6\.0, securityhub for root-usage, not 'cis-2\.0'$/],
    ['a broken text as strict', ['--strict', 'cis-1.3'], /^error: --strict must be one of cis-1\.2, cis-2\.0, securityhub for unauthorized-api-calls, not 'cis-1\.3' \(that text is broken: /],
    ['--strict with all', ['--control', 'all', '--strict', 'cis-1.2'], "error: --strict names one control's published pattern; give --control ID, not all"],
    ['--events with all', ['--control', 'all', '--events', 'e.json'], 'error: --events tests the pattern for one control; give --control ID, not all'],
  ])('pattern: %s', async (_what, options, message) => {
    expectUsageError(await run(['pattern', ROOT_USAGE, ...options]), 'pattern', message);
  });

  it.each([
    ['an unknown control', ['--control', 'root-usag'], /^error: --control must be a control's short id .*not 'root-usag'/],
    ['an unknown Control parameter', ['--param', 'Control=root-usag'], /^error: Control must be a control's short id .*not 'root-usag'/],
    ['both --control and --param Control', ['--control', 'root-usage', '--param', 'Control=root-usage'], 'error: give the control once: --control or --param Control'],
    ['an unknown CisVersion', ['--param', 'CisVersion=2024'], /^error: CisVersion must be one of .*, not '2024'$/],
    ['a strict id of another control', ['--control', 'root-usage', '--param', 'StrictPatternVersion=cis-2.0'], /^error: StrictPatternVersion must be empty or one of .* for root-usage, not 'cis-2\.0'$/],
    ['StrictPatternVersion with all', ['--control', 'all', '--param', 'StrictPatternVersion=cis-1.2'], "error: StrictPatternVersion names one control's published pattern; give --control ID, not all"],
    ['--publish with all', ['--control', 'all', '--publish', '--result-token', 'T'], "error: --publish writes one rule's evaluation; give --control ID, not all"],
  ])('evaluate: %s', async (_what, options, message) => {
    expectUsageError(await evaluate(options), 'evaluate', message);
  });
});
