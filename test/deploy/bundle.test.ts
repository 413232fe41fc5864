/**
 * The Lambda bundle as scripts/build.mjs makes it (built here into a temporary directory, so that a stale dist/ cannot
 * pass): its handler, run in a child process with the Lambda's own credentials in the environment as Lambda gives
 * them, evaluates an account against the local AWS and writes the evaluation; and it leaves out what a Lambda never
 * runs (the SDK's default credential chain, the event-stream codec), which is most of what its cold start loads.
 */
import { readFileSync } from 'node:fs';
import { lambdaBundle } from '../support/lambda-bundle';
import { ACCOUNT_ID, compliantWorld, type World } from '../support/world';
import { COMPLIANT_READS, NOTIFICATION_TIME, explain, run, scheduledEvent, sdkEnv, withLocalAws, type ChildResult } from '../e2e/harness';
import { TOPIC_ARN } from '../e2e/worlds';

jest.setTimeout(60_000);

const bundle = lambdaBundle('bundle-');

/** Requires the bundle as Lambda's runtime does and calls its handler once; prints the result or the error. */
const SCRIPT = `
const { handler } = require(process.argv[1]);
const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:unauthorized-api-calls-monitored', awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 60000 };
handler(JSON.parse(process.argv[2]), context).then(
  (result) => process.stdout.write('\\nBUNDLE_RESULT ' + JSON.stringify(result) + '\\n'),
  (error) => { process.stdout.write('\\nBUNDLE_ERROR ' + error.name + ': ' + error.message + '\\n'); process.exitCode = 1; },
);
`;

async function invokeBundle(world: World): Promise<{ child: ChildResult; actions: string[]; evaluations: unknown[] }> {
  return withLocalAws(world, async (local) => {
    const child = await run(process.execPath, ['-e', SCRIPT, bundle(), JSON.stringify(scheduledEvent({ accountId: ACCOUNT_ID }))], sdkEnv(local, ACCOUNT_ID));
    return { child, actions: local.log.map((e) => e.action), evaluations: local.world.evaluations ?? [] };
  });
}

it('evaluates an account with the credentials Lambda puts in the environment, and writes the evaluation', async () => {
  const { child, actions, evaluations } = await invokeBundle(compliantWorld());
  if (child.code !== 0) throw new Error(explain(child));
  expect(actions).toEqual([...COMPLIANT_READS, 'config:PutEvaluations']);
  expect(evaluations).toEqual([
    expect.objectContaining({ complianceResourceId: ACCOUNT_ID, complianceType: 'COMPLIANT', orderingTimestamp: NOTIFICATION_TIME }),
  ]);
});

it.each([
  ['cloudtrail:DescribeTrails', 'AccessDeniedException', 'trails in us-east-1'],
  ['sns:ListSubscriptionsByTopic', 'AuthorizationError', TOPIC_ARN],
])('names a denied %s by its AWS error code (%s), as the unbundled SDK does', async (action, code, resource) => {
  const world = compliantWorld();
  world.faults = { deny: [{ action }] };
  const { child, evaluations } = await invokeBundle(world);
  if (child.code !== 0) throw new Error(explain(child));
  expect(evaluations).toEqual([expect.objectContaining({ complianceType: 'NON_COMPLIANT', annotation: expect.stringContaining(`ould not verify: ${action} on ${resource} failed (${code})`) })]);
});

it("leaves out the SDK's default credential chain and the event-stream codec", () => {
  const code = readFileSync(bundle(), 'utf8');
  // Strings only the left-out code holds: the SSO, web identity and process credential providers, the event-stream
  // message headers.
  for (const marker of ['sso_start_url', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'credential_process', ':event-type', ':message-type']) {
    expect({ marker, found: code.includes(marker) }).toEqual({ marker, found: false });
  }
});
