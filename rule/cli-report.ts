/**
 * `report`: the organization's standing on the CIS monitoring controls, from an AWS Config aggregator.
 *
 *   unauthorized-api-calls-monitored report --aggregator NAME [--region R] [--rules PREFIX]
 *       [--format text|json|csv] [--html FILE] [--since FILE]
 *
 * Exit status: 0 when every cell was evaluated and is compliant (a NOT_VISIBLE cell was not evaluated: 1), 1 otherwise,
 * 2 could not run (usage, no region, the aggregator unreadable).
 * Errors are thrown as cli-errors.ts's UsageError / CouldNotRunError, which runCli prints.
 */
import { parseArgs } from 'node:util';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CouldNotRunError, UsageError } from './cli-errors';
import type { CliIo } from './cli';
import { printable } from './text';
import { renderHtml } from './report/html';
import { renderCsv, renderJson, renderText } from './report/render';
import { EarlierReportError, buildReport, compareReports, parseEarlierReport, reportExitStatus } from './report/report';

export const REPORT_USAGE = `Usage: unauthorized-api-calls-monitored report --aggregator NAME [--region R] [--rules PREFIX]
           [--format text|json|csv] [--html FILE] [--since FILE]
Every account of an AWS Config aggregator against every CIS monitoring control this project's rules evaluate.
  --aggregator NAME  the configuration aggregator (in the region of the call)
  --region R         its region (default: AWS_REGION / AWS_DEFAULT_REGION)
  --rules PREFIX     the rules are named PREFIX<control>-monitored (default: the documented <control>-monitored)
  --format           text (default; colour on a terminal), json (what --since reads) or csv
  --html FILE        also write one self-contained page: the matrix, counts, filters, a cell's annotation on click
  --since FILE       compare with an earlier --format json report and mark the cells that changed
  -h, --help         print this help
Account names and OUs come from AWS Organizations where the caller may read them; without, the report says why.
A cell the aggregator holds no evaluation for is NOT_VISIBLE: not evaluated, so never counted as compliant.
Exit status: 0 when every cell was evaluated and is compliant; 1 otherwise (a cell non-compliant, not applicable,
without data, or NOT_VISIBLE); 2 could not run; 3 unexpected error.`;

export interface ReportDependencies {
  configClient: (region: string) => ConfigServiceClient;
  organizationsClient: (region: string) => OrganizationsClient;
  writeFile: (path: string, text: string) => Promise<void>;
  now: () => Date;
}

const OPTIONS = {
  aggregator: { type: 'string' },
  region: { type: 'string' },
  rules: { type: 'string' },
  format: { type: 'string', default: 'text' },
  html: { type: 'string' },
  since: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `beforeAws` runs once the command line is known good, before any AWS client is made (cli.ts replaces the SDK's
 * Node version warning there, as for `evaluate`).
 */
export async function reportCommand(args: string[], io: CliIo, deps?: ReportDependencies, beforeAws?: () => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (e) {
    throw new UsageError(printable((e as Error).message, 300), 'report');
  }
  if (values.help) {
    io.stdout(REPORT_USAGE + '\n');
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be text, json or csv, not '${printable(format)}'`, 'report');
  const aggregatorName = values.aggregator;
  if (aggregatorName === undefined || aggregatorName === '') throw new UsageError('--aggregator NAME is required', 'report');
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') throw new CouldNotRunError('no region: give --region or set AWS_REGION');

  // The earlier report is read first: a wrong --since should not cost the aggregator's reads.
  let earlier;
  if (values.since !== undefined) {
    let text: string;
    try {
      text = await io.readFile(values.since);
    } catch (e) {
      throw new CouldNotRunError(`cannot read --since ${printable(values.since)}: ${printable((e as Error).message, 200)}`);
    }
    try {
      earlier = parseEarlierReport(text);
    } catch (e) {
      if (e instanceof EarlierReportError) throw new CouldNotRunError(`--since ${printable(values.since)}: ${e.message}`);
      throw e;
    }
  }

  beforeAws?.();
  // Loaded only now, once the command line is known good: the AWS SDK is most of what the command would load.
  const { collectAggregate, collectDirectory, sdkReportDependencies } = await import('./report/aws');
  const use = deps ?? sdkReportDependencies;
  const collected = await collectAggregate({ client: use.configClient(region), aggregatorName, ...(values.rules !== undefined ? { rulePrefix: values.rules } : {}) });
  if (!collected.ok) {
    const f = collected.failure;
    throw new CouldNotRunError(`${f.action} on ${f.resource} failed (${f.code}): ${f.message}`);
  }
  const { controls, evaluations, notes } = collected.value;
  const directory = await collectDirectory(use.organizationsClient(region));
  let report = buildReport({
    aggregatorName,
    generatedAt: use.now().toISOString(),
    controls,
    evaluations,
    notes: directory.note === undefined ? notes : [...notes, directory.note],
    ...(directory.accounts !== undefined ? { directory: directory.accounts } : {}),
  });
  if (earlier !== undefined) report = compareReports(report, earlier);

  if (values.html !== undefined) {
    try {
      await use.writeFile(values.html, renderHtml(report));
    } catch (e) {
      throw new CouldNotRunError(`cannot write --html ${printable(values.html)}: ${printable((e as Error).message, 200)}`);
    }
    io.stderr(`wrote ${printable(values.html)}\n`);
  }
  io.stdout(format === 'json' ? renderJson(report) : format === 'csv' ? renderCsv(report) : renderText(report, io.isTty));
  return reportExitStatus(report);
}
