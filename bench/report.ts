/**
 * `report` on a generated organization of 1,000 accounts x 15 controls served by the local AWS (the aggregator and
 * Organizations' tree walk): calls (pages) made
 * and wall time as a ratio to one evaluation of one compliant account in the same run; the HTML page's size and the
 * time headless chromium takes to load and draw it, beside an empty page. Prints figures, asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { startLocalAws } from '../devtools/local-aws/server';
import { onPath } from '../devtools/executables';
import { lambdaBudget } from '../rule/budget';
import { awsClientConfig } from '../rule/collect/client-config';
import { SdkAwsReader } from '../rule/collect/sdk-reader';
import { evaluateAccount } from '../rule/evaluate-account';
import { DEFAULT_PARAMETERS } from '../rule/parameters';
import { collectAggregate } from '../rule/report/collect';
import { renderHtml } from '../rule/report/html';
import { collectDirectory } from '../rule/report/organizations';
import { buildReport, type Report } from '../rule/report/report';
import { ACCOUNT_ID, REGION, compliantWorld } from '../test/support/world';
import { AGGREGATOR, AGGREGATOR_REGION, AUDIT_ACCOUNT_ID, sampleWorld } from '../devtools/demo/organization';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function oneEvaluation(): Promise<number> {
  const local = await startLocalAws({ world: compliantWorld(), pageSize: 100 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  try {
    const reader = new SdkAwsReader({ accountId: ACCOUNT_ID, defaultRegion: REGION, credentials: local.credentialsFor(ACCOUNT_ID) });
    const start = process.hrtime.bigint();
    await evaluateAccount(reader, { accountId: ACCOUNT_ID, region: REGION, parameters: DEFAULT_PARAMETERS, budget: lambdaBudget(120_000) });
    return ms(start);
  } finally {
    delete process.env.AWS_ENDPOINT_URL;
    await local.close();
  }
}

/** `node --import tsx bench/report.ts [ACCOUNTS]`: the organization's size, default 1,000. */
const size = Number(process.argv[2] ?? 1000);

async function main(): Promise<void> {
  const { sample, world } = sampleWorld(size);
  // The APIs' largest pages: 1,000 summaries, 100 details (the emulator caps every page at pageSize).
  const local = await startLocalAws({ world, pageSize: 1000 });
  let html: string;
  let cells: Report['cells'];
  let reportMs: number;
  try {
    const settings = { ...awsClientConfig(AGGREGATOR_REGION), endpoint: local.endpoint, credentials: local.credentialsFor(AUDIT_ACCOUNT_ID) };
    const start = process.hrtime.bigint();
    const collected = await collectAggregate({ client: new ConfigServiceClient(settings), aggregatorName: AGGREGATOR });
    if (!collected.ok) throw new Error(`report failed: ${collected.failure.code} ${collected.failure.message}`);
    const directory = await collectDirectory(new OrganizationsClient(settings));
    if (directory.accounts === undefined) throw new Error(`report failed: ${directory.note}`);
    const report = buildReport({ aggregatorName: AGGREGATOR, generatedAt: new Date().toISOString(), ...collected.value, directory: directory.accounts });
    html = renderHtml(report);
    cells = report.cells;
    reportMs = ms(start);
    const byAction = new Map<string, number>();
    for (const e of local.log) byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1);
    console.log(`report, ${size} accounts x 15 controls (${sample.results.length} results): ${local.log.length} calls (pages): ${[...byAction].map(([a, n]) => `${n} ${a}`).join(', ')}`);
  } finally {
    await local.close();
  }
  const evaluations: number[] = [];
  for (let i = 0; i < 5; i++) evaluations.push(await oneEvaluation());
  const evaluation = median(evaluations);
  console.log(`report wall time ${reportMs.toFixed(0)} ms = ${(reportMs / evaluation).toFixed(0)}x one evaluation of one compliant account (median of 5: ${evaluation.toFixed(0)} ms)`);
  const distinct = new Set(cells.flatMap((c) => [c.annotation, ...c.regions.flatMap((r) => (r.annotation === undefined ? [] : [r.annotation]))])).size;
  console.log(`HTML page: ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB (${cells.length} cells, ${distinct} distinct annotations, each stored once)`);

  const chromium = onPath('chromium', process.env.PATH);
  if (chromium === undefined) {
    console.log('HTML load time: not measured, no chromium on PATH');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const page = join(dir, 'report.html');
    const empty = join(dir, 'empty.html');
    writeFileSync(page, html);
    writeFileSync(empty, '<!DOCTYPE html><title>empty</title>');
    const load = (file: string) => {
      const start = process.hrtime.bigint();
      execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 28 });
      return ms(start);
    };
    const full = median([load(page), load(page), load(page)]);
    const base = median([load(empty), load(empty), load(empty)]);
    console.log(`HTML load and draw in headless chromium (process included, median of 3): ${full.toFixed(0)} ms; an empty page ${base.toFixed(0)} ms; difference ${(full - base).toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


void main();
