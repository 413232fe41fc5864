/**
 * `npm start`: the rule's main job on an embedded default. Serves each bundled sample account (examples/accounts)
 * from the local AWS and runs the real Lambda bundle (dist/index.js) on a Config-like scheduled event for each of
 * the fifteen CIS monitoring controls (rule parameter `Control`, as the fifteen Config rules send it), then prints a
 * matrix of accounts by controls and the annotations of the cells that fail. Where Python 3 with boto3 and PyYAML is
 * found (devtools/python.ts: python3 on PATH, then /usr/bin/python3), it runs the remediation document on the
 * accounts whose unauthorized-api-calls control fails and evaluates that control again. It says each account as it
 * finishes (the whole run takes seconds). It ends by writing the organization report (`report --html`) of a sample
 * organization: twenty-four generated accounts and the sample accounts with what the rule wrote for them through
 * PutEvaluations, read through the aggregator and Organizations the local AWS serves, and prints where the page is.
 * No AWS credentials and no network: everything talks to 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsClientConfig } from '../../rule/collect/client-config';
import { collectAggregate } from '../../rule/report/collect';
import { renderHtml } from '../../rule/report/html';
import { collectDirectory } from '../../rule/report/organizations';
import { CELL_STATUSES, buildReport } from '../../rule/report/report';
import { sampleOrganization } from '../../rule/report/sample-organization';
import { CONTROLS } from '../../rule/controls/catalogue';
import { DEFAULT_CONTROL, NEWEST_CIS_VERSION, type Control } from '../../rule/controls/control';
import { startLocalAws, type LocalAws } from '../local-aws/server';
import type { RecordedEvaluation, World } from '../local-aws/state';
import { findPython } from '../python';
import { AGGREGATOR, AGGREGATOR_REGION, AUDIT_ACCOUNT_ID, organizationWorld } from './organization';

const ROOT = resolve(__dirname, '../..');
const BUNDLE = join(ROOT, 'dist/index.js');
const DOCUMENT = join(ROOT, 'remediation/UnauthorizedApiCallsMonitored-Remediation.yaml');
const RUNNER = join(ROOT, 'devtools/ssm-runner/run_automation.py');
const REGION = 'us-east-1';
const EMAIL = 'security@example.com';
const colour = Boolean(process.stdout.isTTY);

interface Evaluation {
  complianceType: string;
  annotation: string;
}

interface Row {
  sample: string;
  accountId: string;
  /** One evaluation per control, in CONTROLS order. */
  cells: Evaluation[];
  /** The remediation of the unauthorized-api-calls control, and that control's evaluation after it. */
  remediation?: string;
  after?: Evaluation;
  /** What the rule wrote through PutEvaluations, for the organization report. */
  written: RecordedEvaluation[];
}

/** The control the remediation document serves, and its column in the matrix. */
const REMEDIATED = CONTROLS.findIndex((c) => c.id === DEFAULT_CONTROL);
/** Annotations of failing cells are cut to this many characters (whole ones are at most 256). */
const CLIP = 150;
/** Failing cells detailed per account beyond the unauthorized-api-calls one; the rest are named in one line. */
const MOST_CELLS = 4;

function paint(text: string, code: number): string {
  return colour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function verdict(type: string): string {
  const code = type === 'COMPLIANT' ? 32 : type === 'NON_COMPLIANT' ? 31 : 33;
  return paint(type, code);
}

/** The account a sample is about: the member of an organization sample, else its only account. */
function evaluatedAccount(world: World): string {
  return world.organization?.memberAccountIds[0] ?? world.accounts[0]!.accountId;
}

/** Environment for a child that must talk only to the local AWS, never to a developer's real account. */
function localEnv(local: LocalAws, accountId: string): NodeJS.ProcessEnv {
  const { accessKeyId, secretAccessKey } = local.credentialsFor(accountId);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { env, cwd: ROOT, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs the Lambda bundle's handler once per control in one process, as AWS Config would on the periodic trigger of
 * each control's rule; returns what each invocation evaluated, in the order of `controls`.
 */
async function invokeRule(local: LocalAws, accountId: string, controls: readonly Control[]): Promise<Evaluation[]> {
  const events = controls.map((control) => ({
    version: '1.0',
    invokingEvent: JSON.stringify({
      awsAccountId: accountId,
      notificationCreationTime: new Date().toISOString(),
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    }),
    ruleParameters: JSON.stringify({ Control: control.id }),
    resultToken: resultToken(accountId, control),
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${accountId}:role/config-role`,
    configRuleArn: `arn:aws:config:${REGION}:${accountId}:config-rule/config-rule-${control.id}`,
    configRuleName: control.names.configRule,
    configRuleId: `config-rule-${control.id}`,
    accountId,
  }));
  const context = { invokedFunctionArn: `arn:aws:lambda:${REGION}:${accountId}:function:unauthorized-api-calls-monitored`, awsRequestId: 'demo' };
  // As Lambda does: the time left before the function's timeout (deploy/templates/account-rule.yaml sets 120 s); the
  // handler budgets its evaluation from it. One warm function serves the invocations one after another.
  const script = `const context = ${JSON.stringify(context)};
  const { handler } = require(${JSON.stringify(BUNDLE)});
  (async () => {
    const results = [];
    for (const event of ${JSON.stringify(events)}) {
      const deadline = Date.now() + 120000;
      context.getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
      results.push(await handler(event, context));
    }
    process.stdout.write(JSON.stringify(results));
  })().catch((e) => { process.stderr.write(e.name + ': ' + e.message); process.exit(1); });`;
  const result = await run(process.execPath, ['-e', script], localEnv(local, accountId));
  if (result.code !== 0) throw new Error(`the rule failed for ${accountId}: ${result.stderr.trim()}`);
  const written = JSON.parse(result.stdout) as Array<{ complianceType: string; annotation?: string }>;
  return written.map((e) => ({ complianceType: e.complianceType, annotation: e.annotation ?? '' }));
}

/** The result token of a control's rule in an account: the organization report's aggregator maps it to the rule. */
const resultToken = (accountId: string, control: Control): string => `local-demo-${accountId}-${control.id}`;

/** DiscoverChain's plan, as the runner reports the document output DiscoverChain.Plan. */
interface Plan {
  FilterAction?: string;
  FilterName?: string;
  AlarmAction?: string;
  AlarmName?: string;
  TopicArn?: string;
}

const topicName = (arn: string): string => arn.split(':').pop() ?? arn;

/** Every subscription of the world, as `topic protocol endpoint`. */
function subscriptionsOf(world: World): Set<string> {
  return new Set(world.accounts.flatMap((a) => a.topics.flatMap((t) => t.subscriptions.map((s) => `${t.topicArn} ${s.protocol} ${s.endpoint}`))));
}

/**
 * Runs the remediation document with the local SSM runner; returns a one-line account of what it did (created,
 * reused or kept: filter, alarm, topic, subscription). The subscriptions it created are confirmed, as their recipient
 * would on receiving SNS's confirmation email; any that were pending before stay pending.
 */
async function remediate(local: LocalAws, accountId: string, python: string): Promise<string> {
  const parameters = {
    AutomationAssumeRole: `arn:aws:iam::${accountId}:role/UnauthorizedApiCallsMonitoredRemediation`,
    AccountId: accountId,
    SubscriptionEndpoint: EMAIL,
  };
  const topicsBefore = new Set(local.world.accounts.flatMap((a) => a.topics.map((t) => t.topicArn)));
  const subscriptionsBefore = subscriptionsOf(local.world);
  const result = await run(
    python,
    [RUNNER, '--document', DOCUMENT, '--endpoint', local.endpoint, '--region', REGION, '--parameters', JSON.stringify(parameters)],
    localEnv(local, accountId),
  );
  const outcome = JSON.parse(result.stdout || '{}') as { status?: string; failureMessage?: string; outputs?: Record<string, unknown> };
  if (outcome.status !== 'Success') return `failed: ${outcome.failureMessage ?? result.stderr.trim()}`;
  const plan = (outcome.outputs?.['DiscoverChain.Plan'] ?? {}) as Plan;
  if (plan.AlarmAction === 'keep') return 'nothing to change';
  const verb = (action: string | undefined) => (action === 'create' ? 'created' : action === 'reuse' ? 'reused' : 'kept');
  const done = [`${verb(plan.FilterAction)} filter '${plan.FilterName}'`, `${verb(plan.AlarmAction)} alarm '${plan.AlarmName}'`];
  if (plan.TopicArn) done.push(`${topicsBefore.has(plan.TopicArn) ? 'reused' : 'created'} topic ${topicName(plan.TopicArn)}`);
  const created = confirmCreatedSubscriptions(local, subscriptionsBefore);
  if (created.length > 0) done.push(`subscribed ${created.join(', ')} (confirmed by the recipient)`);
  else if (plan.TopicArn && subscriptionsBefore.has(`${plan.TopicArn} email ${EMAIL}`)) done.push(`${EMAIL} was already subscribed, not again`);
  const verified = (outcome.outputs?.['VerifyChain.Result'] ?? {}) as { Confirmed?: boolean; Next?: string };
  // Next was written before the recipient confirmed what the remediation subscribed: shown only when that changed nothing.
  if (created.length === 0 && verified.Confirmed === false && verified.Next) return `${done.join('; ')}\n  next: ${verified.Next}`;
  return done.join('; ');
}

/** Confirms the subscriptions made since `before`, as their recipient would; returns their endpoints. */
function confirmCreatedSubscriptions(local: LocalAws, before: Set<string>): string[] {
  const confirmed: string[] = [];
  for (const account of local.world.accounts) {
    for (const topic of account.topics) {
      topic.subscriptions.forEach((s, i) => {
        if (before.has(`${topic.topicArn} ${s.protocol} ${s.endpoint}`) || s.subscriptionArn.startsWith('arn:')) return;
        s.subscriptionArn = `${topic.topicArn}:demo-confirmed-${i}`;
        confirmed.push(s.endpoint);
      });
    }
  }
  return confirmed;
}

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);

/** Evaluates one sample account for every control, then remediates its unauthorized-api-calls control with `python` when that fails. */
async function sample(file: string, name: string, python: string | undefined, width: number): Promise<Row> {
  const world = JSON.parse(readFileSync(file, 'utf8')) as World;
  const accountId = evaluatedAccount(world);
  const progress = (text: string) => out(`  ${accountId}  ${name.padEnd(width + 2)}${text}`);
  const local = await startLocalAws({ world });
  try {
    const row: Row = { sample: name, accountId, cells: await invokeRule(local, accountId, CONTROLS), written: [] };
    const compliant = row.cells.filter((c) => c.complianceType === 'COMPLIANT').length;
    const first = row.cells[REMEDIATED]!;
    const remediating = python !== undefined && first.complianceType === 'NON_COMPLIANT';
    progress(`${compliant} of ${CONTROLS.length} COMPLIANT; ${numberOf(CONTROLS[REMEDIATED]!)} ${verdict(first.complianceType)}${remediating ? ', remediating' : ''}`);
    if (remediating) {
      row.remediation = await remediate(local, accountId, python);
      [row.after] = await invokeRule(local, accountId, [CONTROLS[REMEDIATED]!]);
      progress(`remediated ${numberOf(CONTROLS[REMEDIATED]!)}: ${verdict(row.after!.complianceType)}`);
    }
    row.written = (local.world.evaluations ?? []).filter((e) => e.accountId === accountId);
    return row;
  } finally {
    await local.close();
  }
}

/** The control's CIS number in v1.3-v5.0, the numbering most teams know (v6.0 and v7.0 number it 5.x). */
const numberOf = (control: Control): string => control.cisNumbers['v1.3-v5.0'];

const CELL: Record<string, [string, number]> = { COMPLIANT: ['ok', 32], NON_COMPLIANT: ['NO', 31], NOT_APPLICABLE: ['n/a', 33] };

/** A matrix cell: short, coloured, padded to the column of `control`. */
function cell(evaluation: Evaluation, control: Control): string {
  const [text, code] = CELL[evaluation.complianceType] ?? ['?', 33];
  return paint(text, code) + ' '.repeat(Math.max(numberOf(control).length, 3) + 1 - text.length);
}

const clip = (text: string): string => (text.length > CLIP ? `${text.slice(0, CLIP - 1)}…` : text);

/**
 * An annotation with what is proper to its control (its subject, its names) blanked out, so that the failures of
 * several controls that break at the same link of the same trail read as one.
 */
function shape(annotation: string, control: Control): string {
  const own = [control.names.filter, control.names.alarm, control.names.metric, control.subject, control.policy.floorNoun, control.id];
  return own.filter((w) => w.length > 0).reduce((text, word) => text.split(word).join('…'), annotation);
}

/** The lines of an account's details: each failing cell's annotation, cells failing alike folded into one line. */
function details(row: Row): string[] {
  const lines: string[] = [];
  const more: string[] = [];
  const done = new Set<number>();
  CONTROLS.forEach((control, i) => {
    const evaluation = row.cells[i]!;
    if (evaluation.complianceType === 'COMPLIANT' || done.has(i)) return;
    const alike = CONTROLS.flatMap((other, j) =>
      i !== REMEDIATED && j > i && j !== REMEDIATED && !done.has(j) && row.cells[j]!.complianceType === evaluation.complianceType && shape(row.cells[j]!.annotation, other) === shape(evaluation.annotation, control) ? [j] : [],
    );
    for (const j of alike) done.add(j);
    const label = numberOf(control);
    if (i !== REMEDIATED && lines.filter((l) => !l.startsWith('        ')).length > MOST_CELLS) {
      more.push(label, ...alike.map((j) => numberOf(CONTROLS[j]!)));
      return;
    }
    const also = alike.length === 0 ? '' : ` (and alike: ${alike.map((j) => numberOf(CONTROLS[j]!)).join(', ')})`;
    lines.push(`  ${label.padEnd(5)} ${clip(evaluation.annotation)}${also}`);
    if (i === REMEDIATED && row.remediation) {
      const [done1, ...rest] = row.remediation.split('\n');
      lines.push(`        remediation: ${done1}`, ...rest.map((l) => `      ${l}`));
      if (row.after) lines.push(`        then ${verdict(row.after.complianceType)}: ${row.after.annotation}`);
    }
  });
  if (more.length > 0) lines.push(`  and ${more.join(', ')} too: unauthorized-api-calls-monitored evaluate --control all shows each`);
  return lines;
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) {
    process.stderr.write('dist/index.js is missing: run npm run build (npm ci runs it)\n');
    process.exitCode = 2;
    return;
  }
  out(paint('CIS AWS Foundations monitoring controls: sample accounts on a local AWS (no credentials, no network)', 1));
  const python = findPython(['boto3', 'yaml']);
  if ('command' in python) out(`Remediation runs with ${python.command} (Python ${python.version}).`);
  const samples = readdirSync(join(ROOT, 'examples/accounts'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: join(ROOT, 'examples/accounts', f), name: f.replace(/\.json$/, '') }));
  const width = Math.max(...samples.map((s) => s.name.length));
  out();
  out(`Evaluating the ${samples.length} sample accounts of examples/accounts for the ${CONTROLS.length} controls (CIS v${NEWEST_CIS_VERSION}):`);
  const command = 'command' in python ? python.command : undefined;
  const rows = await Promise.all(samples.map((s) => sample(s.file, s.name, command, width)));
  rows.sort((a, b) => a.accountId.localeCompare(b.accountId));

  const remediated = numberOf(CONTROLS[REMEDIATED]!);
  out();
  out(`${'ACCOUNT'.padEnd(14)}${'SAMPLE'.padEnd(width + 2)}${CONTROLS.map((c) => numberOf(c).padEnd(Math.max(numberOf(c).length, 3) + 1)).join('')} ${remediated} AFTER REMEDIATION`);
  for (const r of rows) {
    const after = r.after ? verdict(r.after.complianceType) : r.cells[REMEDIATED]!.complianceType === 'NON_COMPLIANT' ? 'not run' : '-';
    out(`${r.accountId.padEnd(14)}${r.sample.padEnd(width + 2)}${CONTROLS.map((c, i) => cell(r.cells[i]!, c)).join('')} ${after}`);
  }
  out(`ok COMPLIANT, NO NON_COMPLIANT, n/a NOT_APPLICABLE; columns by CIS v1.3-v5.0 number (5.x in v6.0 and v7.0); one Config rule each, <id>-monitored`);
  for (const r of rows) {
    const lines = details(r);
    if (lines.length === 0) continue;
    out();
    out(`${paint(r.accountId, 1)} ${r.sample}`);
    for (const line of lines) out(line);
  }
  if ('missing' in python) {
    out();
    out(`Remediation not run: ${python.missing}.`);
  }
  out();
  out(await organizationReport(rows));
}

/** Generated accounts of the sample organization, besides the sample accounts: enough for the page to show what it is for. */
const GENERATED_ACCOUNTS = 24;

/**
 * The organization report of a sample organization, as `report --aggregator organization --html FILE` writes it:
 * generated accounts' results, and the sample accounts' evaluations as the rule wrote them (PutEvaluations), read
 * through the local AWS's aggregator and Organizations. Returns the line saying where the page is.
 */
async function organizationReport(rows: Row[]): Promise<string> {
  const world = organizationWorld(sampleOrganization(GENERATED_ACCOUNTS));
  const aggregator = world.configurationAggregators![0]!;
  aggregator.ruleOfResultToken = Object.fromEntries(rows.flatMap((r) => CONTROLS.map((c) => [resultToken(r.accountId, c), c.names.configRule])));
  world.evaluations = rows.flatMap((r) => r.written);
  const organization = world.organization!;
  organization.memberAccountIds.push(...rows.map((r) => r.accountId));
  organization.organizationalUnits!.push({ path: 'Samples', accountIds: rows.map((r) => r.accountId) });
  for (const r of rows) organization.accountNames![r.accountId] = r.sample;
  const local = await startLocalAws({ world, pageSize: 100 });
  // The SDK runs in this process here: its Node version notice is not the demo's business (the children have it off too).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  try {
    const settings = { ...awsClientConfig(AGGREGATOR_REGION), endpoint: local.endpoint, credentials: local.credentialsFor(AUDIT_ACCOUNT_ID) };
    const collected = await collectAggregate({ client: new ConfigServiceClient(settings), aggregatorName: AGGREGATOR });
    if (!collected.ok) throw new Error(`the organization report failed: ${collected.failure.action} (${collected.failure.code}) ${collected.failure.message}`);
    const directory = await collectDirectory(new OrganizationsClient(settings));
    const { controls, evaluations, notes } = collected.value;
    const report = buildReport({
      aggregatorName: AGGREGATOR,
      generatedAt: new Date().toISOString(),
      controls,
      evaluations,
      notes: directory.note === undefined ? notes : [...notes, directory.note],
      ...(directory.accounts !== undefined ? { directory: directory.accounts } : {}),
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cis-monitoring-report-')), 'organization-report.html');
    writeFileSync(file, renderHtml(report));
    const counts = CELL_STATUSES.filter((s) => report.totals[s] > 0).map((s) => `${report.totals[s]} ${s}`).join(', ');
    return `Organization report (report --html) of ${report.accounts.length} accounts x ${report.controls.length} controls (${counts}):\n  file://${file}`;
  } finally {
    await local.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
