/**
 * A real client nobody here wrote: the AWS CLI (botocore) applies the CIS remediation commands (CIS v1.3-v5 text) to
 * the local AWS, a human confirms the e-mail subscription, and the rule's own CLI then judges the result.
 *
 * Needs the AWS CLI: /usr/bin/aws (Debian's awscli, installed by .ci/run) or else `aws` on PATH. Without one the
 * test is skipped, with the reason in its name (test/support/skip.ts), decided when this module loads.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { isExecutable, onPath } from '../../devtools/executables';
import type { LocalAws } from '../../devtools/local-aws/server';
import { CIS_PATTERNS } from '../../rule/pattern/cis';
import { skipWhen } from '../support/skip';
import { ACCOUNT_ID, LOG_GROUP_NAME, REGION, logGroupArn, trail, type World } from '../support/world';
import { EMPTY_HOME, awsCliEnv, explain, run, runRuleCli, sdkEnv, withLocalAws, type ChildResult } from './harness';

type AwsCli = { path: string; version: string } | { skipped: string };

/** /usr/bin/aws first (a known botocore), else the first `aws` on PATH; it must answer --version. */
function findAwsCli(): AwsCli {
  const path = isExecutable('/usr/bin/aws') ? '/usr/bin/aws' : onPath('aws', process.env.PATH);
  if (path === undefined) return { skipped: 'no AWS CLI: neither /usr/bin/aws nor `aws` on PATH (.ci/run installs Debian awscli)' };
  const probe = spawnSync(path, ['--version'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: EMPTY_HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  // AWS CLI v1 prints its version on stderr, v2 on stdout.
  const version = `${probe.stdout ?? ''}${probe.stderr ?? ''}`.trim();
  if (probe.status !== 0 || !version.startsWith('aws-cli/')) {
    return { skipped: `${path} --version failed (status ${probe.status}${probe.error ? `, ${probe.error.message}` : ''}): ${version.slice(0, 200)}` };
  }
  return { path, version };
}

const AWS_CLI = findAwsCli();
const skipping = skipWhen('skipped' in AWS_CLI ? AWS_CLI.skipped : undefined);
const cliName = 'skipped' in AWS_CLI ? 'aws' : `${AWS_CLI.path}: ${AWS_CLI.version.split(' ')[0]}`;

const FILTER_NAME = 'unauthorized_api_calls_metric';
const METRIC_NAME = 'unauthorized_api_calls_metric';
const ALARM_NAME = 'unauthorized_api_calls_alarm';
const TOPIC_NAME = 'cis-security-alerts';

/** An account with only a qualifying trail and its empty log group: what CIS's remediation starts from. */
function trailOnlyWorld(): World {
  return {
    accounts: [
      {
        accountId: ACCOUNT_ID,
        trails: [trail({ name: 'main', cloudWatchLogsLogGroupArn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME) })],
        logGroups: [{ name: LOG_GROUP_NAME, region: REGION, metricFilters: [] }],
        alarms: [],
        topics: [],
      },
    ],
  };
}

function expectExit(child: ChildResult, code: number, what: string): void {
  if (child.code !== code) throw new Error(`${what}: expected exit ${code}, got:\n${explain(child)}`);
}

function json(child: ChildResult, what: string): Record<string, unknown> {
  try {
    return JSON.parse(child.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: stdout is not JSON:\n${explain(child)}`);
  }
}

skipping.describe(skipping.title(`the CIS remediation applied with the AWS CLI (${cliName})`), () => {
  it(
    'the v1.3-v1.5 pattern is NON_COMPLIANT (also matches successful calls); the v2.0+ pattern makes the account COMPLIANT',
    async () => {
      if ('skipped' in AWS_CLI) return;
      const cli = AWS_CLI.path;
      await withLocalAws(trailOnlyWorld(), async (local: LocalAws) => {
        const aws = async (args: string[]): Promise<ChildResult> => {
          const child = await run(cli, ['--endpoint-url', local.endpoint, '--output', 'json', ...args], awsCliEnv(local, ACCOUNT_ID));
          expectExit(child, 0, `aws ${args.slice(0, 2).join(' ')}`);
          return child;
        };
        const putMetricFilter = (pattern: string) =>
          aws([
            'logs',
            'put-metric-filter',
            '--log-group-name',
            LOG_GROUP_NAME,
            '--filter-name',
            FILTER_NAME,
            '--metric-transformations',
            `metricName=${METRIC_NAME},metricNamespace=CISBenchmark,metricValue=1`,
            '--filter-pattern',
            pattern,
          ]);
        const ruleEvaluate = async (expectedExit: number) => {
          const child = await runRuleCli(['evaluate', '--format', 'json'], sdkEnv(local, ACCOUNT_ID));
          expectExit(child, expectedExit, 'rule evaluate');
          return (JSON.parse(child.stdout) as Array<{ ComplianceType: string; Annotation: string }>)[0]!;
        };

        // The remediation, command for command.
        await putMetricFilter(CIS_PATTERNS['cis-1.3']);
        const topicArn = json(await aws(['sns', 'create-topic', '--name', TOPIC_NAME]), 'create-topic').TopicArn as string;
        expect(topicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT_ID}:${TOPIC_NAME}`);
        const subscribed = json(
          await aws(['sns', 'subscribe', '--topic-arn', topicArn, '--protocol', 'email', '--notification-endpoint', 'security@example.com']),
          'subscribe',
        );
        expect(subscribed).toEqual({ SubscriptionArn: 'pending confirmation' });
        await aws([
          'cloudwatch',
          'put-metric-alarm',
          '--alarm-name',
          ALARM_NAME,
          '--metric-name',
          METRIC_NAME,
          '--statistic',
          'Sum',
          '--period',
          '300',
          '--threshold',
          '1',
          '--comparison-operator',
          'GreaterThanOrEqualToThreshold',
          '--evaluation-periods',
          '1',
          '--namespace',
          'CISBenchmark',
          '--alarm-actions',
          topicArn,
        ]);
        const trails = json(await aws(['cloudtrail', 'describe-trails']), 'describe-trails').trailList as Array<Record<string, unknown>>;
        expect(trails).toEqual([
          expect.objectContaining({ Name: 'main', IsMultiRegionTrail: true, CloudWatchLogsLogGroupArn: logGroupArn(ACCOUNT_ID, REGION, LOG_GROUP_NAME) }),
        ]);
        expect(local.log.map((e) => [e.action, e.accountId, e.region, e.status])).toEqual(
          ['logs:PutMetricFilter', 'sns:CreateTopic', 'sns:Subscribe', 'cloudwatch:PutMetricAlarm', 'cloudtrail:DescribeTrails'].map((a) => [a, ACCOUNT_ID, REGION, 200]),
        );

        // What the CLI wrote, as the emulator keeps it.
        const account = local.world.accounts[0]!;
        expect(account.alarms).toEqual([
          expect.objectContaining({ alarmName: ALARM_NAME, metricName: METRIC_NAME, namespace: 'CISBenchmark', alarmActions: [topicArn], actionsEnabled: true }),
        ]);
        const topic = account.topics.find((t) => t.topicArn === topicArn)!;
        expect(topic.subscriptions).toEqual([{ subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'security@example.com' }]);

        // A human clicks the link in the confirmation e-mail.
        topic.subscriptions[0]!.subscriptionArn = `${topicArn}:${randomUUID()}`;

        const broad = await ruleEvaluate(1);
        expect(broad.ComplianceType).toBe('NON_COMPLIANT');
        expect(broad.Annotation).toBe(
          `Trail main (us-east-1): filter '${FILTER_NAME}' also matches successful calls (DescribeInstances, no errorCode), so its alarm fires on normal activity; use the CIS pattern`,
        );

        // The CIS v2.0+ text, put over the same filter.
        await putMetricFilter(CIS_PATTERNS['cis-2.0']);
        expect(account.logGroups[0]!.metricFilters.map((f) => f.filterPattern)).toEqual([CIS_PATTERNS['cis-2.0']]);
        const fixed = await ruleEvaluate(0);
        expect(fixed).toEqual({
          ComplianceResourceType: 'AWS::::Account',
          ComplianceResourceId: ACCOUNT_ID,
          ComplianceType: 'COMPLIANT',
          Annotation: `Trail main (us-east-1): filter '${FILTER_NAME}' -> alarm '${ALARM_NAME}' -> topic ${TOPIC_NAME} (1 confirmed subscription)`,
        });
      });
    },
    60_000,
  );
});
