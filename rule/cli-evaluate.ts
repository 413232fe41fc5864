/**
 * `evaluate`: evaluates the account behind the standard AWS credential chain, in one region, and prints the
 * evaluation. Writes to AWS Config only with --publish --result-token. Every standard SDK setting applies
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...), since the clients are built with the SDK's defaults.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { STSClient } from '@aws-sdk/client-sts';
import { cisNumber, controlIdWidth } from './cli-controls';
import { CLI_BUDGET_MS, timeBudget, type TimeBudget } from './budget';
import { CouldNotRunError } from './cli-errors';
import { awsClientConfig } from './collect/client-config';
import { TEST_MODE_RESULT_TOKEN } from './config-event';
import type { AwsReader } from './collect/reader';
import { createSdkAwsReader } from './collect/sdk-reader';
import { describeFailure, type AccountDecision } from './decide';
import type { CisVersion, Control } from './controls/control';
import { evaluateAccount, evaluateControls } from './evaluate-account';
import type { RuleParameters } from './parameters';
import { accountEvaluation, putEvaluations } from './publish';
import type { Fetched } from './snapshot';
import { escapeUnsafe, printable } from './text';

export interface EvaluateDependencies {
  /** The region the SDK resolves without --region (AWS_REGION, the profile's region, ...). */
  defaultRegion: () => Promise<string | undefined>;
  createReader: (region: string, budget: TimeBudget) => Promise<Fetched<AwsReader>>;
  configClient: (region: string) => ConfigServiceClient;
}

export const sdkDependencies: EvaluateDependencies = {
  defaultRegion: async () => {
    try {
      return await new STSClient({}).config.region();
    } catch {
      return undefined;
    }
  },
  createReader: (region, budget) => createSdkAwsReader({ region, budget }),
  configClient: (region) => new ConfigServiceClient(awsClientConfig(region)),
};

/** The command line, checked (cli.ts) before the SDK is loaded. */
export interface EvaluateOptions {
  region?: string;
  parameters: RuleParameters;
  /** Evaluate these controls (--control all) from one set of reads, instead of parameters.control alone. */
  controls?: readonly Control[];
  format: 'text' | 'json';
  /** Publish the evaluation to AWS Config with this result token (--publish --result-token). */
  resultToken?: string;
}

export interface EvaluateOutput {
  /** The evaluation: JSON or one line of text. */
  stdout: (text: string) => void;
  /** What was written to AWS Config, apart from the evaluation so that JSON output stays one document. */
  stderr: (text: string) => void;
}

/** Characters of a result token shown: Config's tokens are long opaque strings, and a prefix is enough to tell them apart. */
const SHOWN_TOKEN_LENGTH = 20;

export async function runEvaluate(options: EvaluateOptions, deps: EvaluateDependencies, output: EvaluateOutput): Promise<number> {
  const { parameters } = options;
  const region = options.region ?? (await deps.defaultRegion());
  if (!region) throw new CouldNotRunError('no region: pass --region or set AWS_REGION (or a region in your AWS profile)');
  const budget = timeBudget(CLI_BUDGET_MS);
  const reader = await deps.createReader(region, budget);
  if (!reader.ok) throw new CouldNotRunError(`cannot identify the account: ${describeFailure(reader.failure)}: ${reader.failure.message}`);
  const accountId = reader.value.accountId;
  const request = { accountId, region, parameters, budget };
  if (options.controls !== undefined) {
    const decisions = await evaluateControls(reader.value, request, [...options.controls]);
    printControls(accountId, region, parameters.cisVersion, options.controls, decisions, options.format, output);
    return decisions.every((d) => d.complianceType === 'COMPLIANT') ? 0 : 1;
  }
  const decision = await evaluateAccount(reader.value, request);
  const evaluation = accountEvaluation(accountId, decision, new Date());
  // Printed as the evaluation of the account; the ordering timestamp only matters to what is published.
  const { OrderingTimestamp: _orderingTimestamp, ...shown } = evaluation;
  if (options.format === 'json') output.stdout(JSON.stringify([shown], null, 2) + '\n');
  // The region may come from the command line or a profile: escaped like the annotation's names.
  else output.stdout(`${escapeUnsafe(`${accountId}  ${region}  ${decision.complianceType}  ${decision.annotation}`)}\n`);
  if (options.resultToken !== undefined) {
    try {
      await putEvaluations(deps.configClient(region), [evaluation], options.resultToken);
    } catch (e) {
      throw new CouldNotRunError(`could not publish the evaluation: ${(e as Error).message}`);
    }
    const where = `for account ${accountId} in ${escapeUnsafe(region)}`;
    const token = `result token ${printable(options.resultToken, SHOWN_TOKEN_LENGTH)}`;
    // PutEvaluations API reference: with TestMode "no updates occur to your existing evaluations, and evaluation
    // results are not sent to AWS Config"; only the call's validation happened.
    output.stderr(
      options.resultToken === TEST_MODE_RESULT_TOKEN
        ? `AWS Config accepted 1 evaluation ${where} in TestMode (${token}): nothing was recorded\n`
        : `published 1 evaluation ${where} to AWS Config (${token})\n`,
    );
  }
  return decision.complianceType === 'COMPLIANT' ? 0 : 1;
}

/** Width of the compliance type column: NON_COMPLIANT, the longest of AWS Config's types the rule writes. */
const COMPLIANCE_TYPE_WIDTH = 'NON_COMPLIANT'.length;

/** `evaluate --control all`: the account, then a row per control (JSON: each control's evaluation, named). */
function printControls(
  accountId: string,
  region: string,
  cisVersion: CisVersion,
  controls: readonly Control[],
  decisions: readonly AccountDecision[],
  format: 'text' | 'json',
  output: EvaluateOutput,
): void {
  const rows = controls.map((control, i) => ({ control, decision: decisions[i]! }));
  if (format === 'json') {
    const evaluations = rows.map(({ control, decision }) => {
      const { OrderingTimestamp: _orderingTimestamp, ...shown } = accountEvaluation(accountId, decision, new Date());
      return { Control: control.id, ConfigRuleName: control.names.configRule, ...shown };
    });
    output.stdout(JSON.stringify(evaluations, null, 2) + '\n');
    return;
  }
  const width = controlIdWidth(controls);
  const lines = rows.map(
    ({ control, decision }) =>
      `${control.id.padEnd(width)}  ${cisNumber(control, cisVersion).padEnd(5)}  ${decision.complianceType.padEnd(COMPLIANCE_TYPE_WIDTH)}  ${decision.annotation}`,
  );
  // The region may come from the command line or a profile: escaped like the annotations' names.
  for (const line of [`account ${accountId} in ${region}, CIS v${cisVersion}`, ...lines]) output.stdout(`${escapeUnsafe(line)}\n`);
}
