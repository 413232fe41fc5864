/**
 * `report` as a user reaches it: listed by the top-level --help, its own --help with the exit statuses, usage
 * errors pointing at `report --help` (exit 2), and the same from the built command (dist/cli.js), where the report's
 * code and the command line are bundled apart and must still share one UsageError.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInMemory } from '../support/cli-io';
import { skipWhen } from '../support/skip';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'cli.js');

describe('report on the command line', () => {
  it('is listed by the top-level --help', async () => {
    const { code, stdout } = await runInMemory(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('\n  report --aggregator NAME ');
  });

  it('--help gives its options and exit statuses, saying a cell the aggregator cannot see is not compliant', async () => {
    const { code, stdout, stderr } = await runInMemory(['report', '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: unauthorized-api-calls-monitored report --aggregator NAME/);
    for (const option of ['--region', '--rules', '--format', '--html', '--since']) expect(stdout).toContain(`  ${option} `);
    expect(stdout).toMatch(/Exit status: 0 when every cell was evaluated and is compliant/);
    expect(stdout).toMatch(/NOT_VISIBLE.*not evaluated/s);
  });

  it.each([
    [['report'], /--aggregator NAME is required/],
    [['report', '--aggregator', 'org', '--format', 'xml'], /--format must be text, json or csv, not 'xml'/],
    [['report', '--aggregator', 'org', '--nope'], /nope/],
  ])('a usage error (%j) is one line and a pointer to report --help, exit 2', async (argv, message) => {
    const { code, stdout, stderr } = await runInMemory(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/\nsee `unauthorized-api-calls-monitored report --help`\n$/);
  });

  it('without a region, could not run (exit 2) before any call', async () => {
    const { code, stderr } = await runInMemory(['report', '--aggregator', 'org']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: no region: give --region or set AWS_REGION\n');
  });
});

const withBundle = skipWhen(existsSync(BUNDLE) ? undefined : 'dist/cli.js is missing; npm run build makes it');

withBundle.describe(withBundle.title('report in the built command'), () => {
  it('answers a usage error with exit 2, not as an unexpected error', () => {
    const result = spawnSync(process.execPath, [BUNDLE, 'report', '--region', 'us-east-1'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(result.stderr).toBe('error: --aggregator NAME is required\nsee `unauthorized-api-calls-monitored report --help`\n');
    expect(result.status).toBe(2);
  });
});
