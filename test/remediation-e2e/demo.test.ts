/**
 * `npm start` (devtools/demo/main.ts) runs the rule and the remediation on the bundled sample accounts. It must say
 * what the remediation created and what it reused, and confirm only the subscriptions the remediation made: a
 * subscription pending before the run stays pending, so the account stays NON_COMPLIANT until its owner confirms it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, pythonMissing } from './helpers';

jest.setTimeout(120_000);

const BUNDLE = path.join(ROOT, 'dist', 'index.js');
const reason = pythonMissing() ?? (existsSync(BUNDLE) ? undefined : 'dist/index.js is missing; npm run build makes it');
if (reason) console.warn(`remediation-e2e/demo.test.ts SKIPPED: ${reason}`);
const suite = reason ? describe.skip : describe;
const title = (t: string) => (reason ? `${t} [SKIPPED: ${reason}]` : t);

/** The lines of the demo's paragraph about `sample`. */
function paragraph(output: string, sample: string): string[] {
  const block = output.split('\n\n').find((b) => b.split('\n')[0]!.endsWith(` ${sample}`));
  if (!block) throw new Error(`no paragraph for ${sample} in:\n${output}`);
  return block.split('\n');
}

suite(title('npm start'), () => {
  let output = '';
  beforeAll(() => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'devtools', 'demo', 'main.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 110_000,
    });
    if (run.status !== 0) throw new Error(`npm start exited ${run.status ?? run.signal}:\n${run.stdout}${run.stderr}`);
    output = run.stdout;
  });

  it('pending-subscription: reuses the alarm and topic, subscribes nobody again, and does not confirm the old pending subscription', () => {
    expect(output).toMatch(/^444444444444 {2}pending-subscription +NON_COMPLIANT +NON_COMPLIANT$/m);
    const lines = paragraph(output, 'pending-subscription');
    expect(lines).toContain(
      "  remediation: kept filter 'unauthorized-api-calls'; reused alarm 'cis-unauthorized-api-calls'; reused topic cis-alerts; " +
        'security@example.com was already subscribed, not again',
    );
    expect(lines).toContain(
      '  next: Confirm the email subscription of security@example.com to arn:aws:sns:us-east-1:444444444444:cis-alerts ' +
        '(pending confirmation); until then the rule reports the account NON_COMPLIANT',
    );
  });

  it('no-alarm: says what it created and kept, and confirms only the subscription it made', () => {
    const lines = paragraph(output, 'no-alarm');
    expect(lines).toContain(
      "  remediation: kept filter 'unauthorized-api-calls'; created alarm 'unauthorized-api-calls-alarm'; " +
        'created topic unauthorized-api-calls-alarms; subscribed security@example.com (confirmed by the recipient)',
    );
    expect(lines.some((l) => l.startsWith('  then COMPLIANT: ') && l.includes('topic unauthorized-api-calls-alarms (1 confirmed subscription)'))).toBe(true);
  });
});
