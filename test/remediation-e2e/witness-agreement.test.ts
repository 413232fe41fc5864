/**
 * The Python side of the witness agreement: DiscoverChain's own test_filter (boto3, TestMetricFilter in batches of
 * 50) asked of the local AWS, whose TestMetricFilter runs the project's pattern engine, keeps exactly the patterns
 * the rule's judge accepts, for every control over its corpus (test/remediation/corpus.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONTROLS } from '../../rule/controls/catalogue';
import { judgePattern } from '../../rule/pattern/judge';
import { startLocalAws } from '../../devtools/local-aws/server';
import { ACCOUNT_ID, REGION } from '../support/world';
import { skipWhen } from '../support/skip';
import { corpusOf, KNOWN_DISAGREEMENTS } from '../remediation/corpus';
import { DOCUMENT, ROOT, bareAccount, python, pythonMissing, runnerEnv } from './helpers';

jest.setTimeout(120_000);

const { describe: suite, title } = skipWhen(pythonMissing());

const PROBE = String.raw`
import json, sys
import boto3
data = json.load(sys.stdin)
ns = {'__name__': 'ssm_DiscoverChain'}
exec(compile(data['script'], '<DiscoverChain>', 'exec'), ns)
logs = boto3.client('logs', region_name=data['region'], endpoint_url=data['endpoint'])
out = []
for control, pattern in data['cases']:
    catches, noisy = ns['test_filter'](logs, pattern, control)
    out.append(catches and not noisy)
print(json.dumps(out))
`;

suite(title("DiscoverChain's test_filter on the local AWS agrees with the rule's judge"), () => {
  it('for every control, over its corpus', async () => {
    const doc = parse(readFileSync(DOCUMENT, 'utf8')) as { mainSteps: { name: string; inputs: { Script?: string } }[] };
    const script = doc.mainSteps.find((s) => s.name === 'DiscoverChain')!.inputs.Script!;
    const cases = CONTROLS.flatMap((c) =>
      corpusOf(c)
        .filter(([, pattern]) => KNOWN_DISAGREEMENTS[c.id]?.[pattern] === undefined)
        .map(([, pattern]) => ({ control: c, pattern })),
    );
    const local = await startLocalAws({ world: { accounts: [bareAccount()] } });
    try {
      const input = JSON.stringify({ script, region: REGION, endpoint: local.endpoint, cases: cases.map((c) => [c.control.id, c.pattern]) });
      const kept = await new Promise<boolean[]>((resolve, reject) => {
        const child = execFile(python(), ['-c', PROBE], { cwd: ROOT, env: runnerEnv(local, ACCOUNT_ID), timeout: 110_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`${error.message}\n${stderr}`));
          else resolve(JSON.parse(stdout) as boolean[]);
        });
        child.stdin?.end(input);
      });
      // Patterns the local engine cannot evaluate (space-delimited) are refused by its TestMetricFilter, so not kept;
      // the judge rejects them too.
      const disagreements = cases
        .map((c, i) => ({ control: c.control.id, pattern: c.pattern, keptByDiscover: kept[i], accepted: judgePattern(c.pattern, { control: c.control }).accepted }))
        .filter((c) => c.keptByDiscover !== c.accepted);
      expect(disagreements).toEqual([]);
      expect(kept).toHaveLength(cases.length);
    } finally {
      await local.close();
    }
  });
});
