/**
 * `evaluate`: evaluates the account behind the standard AWS credential chain, in one region, and prints the
 * evaluation. Writes to AWS Config only with --publish --result-token. Every standard SDK setting applies
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...), since the clients are built with the SDK's defaults.
 */
import { ConfigServiceClient, type Evaluation } from '@aws-sdk/client-config-service';
import { STSClient } from '@aws-sdk/client-sts';
import { CLI_BUDGET_MS, timeBudget, type TimeBudget } from './budget';
import { awsClientConfig } from './collect/client-config';
import type { AwsReader } from './collect/reader';
import { createSdkAwsReader } from './collect/sdk-reader';
import { describeFailure } from './decide';
import { evaluateAccount } from './evaluate-account';
import { ParameterError, parseRuleParameters } from './parameters';
import { putEvaluations } from './publish';
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

export interface EvaluateOptions {
  region?: string;
  params: string[];
  format: 'text' | 'json';
  publish: boolean;
  resultToken?: string;
}

/** A problem with the command line itself (exit 2 with usage). */
export class EvaluateUsageError extends Error {}

/** The command could not run: no region, no credentials, AWS refused the identity call or the publication. */
export class CouldNotRunError extends Error {}

function parseParams(params: string[]): Record<string, string> {
  // Object.fromEntries defines own properties: `__proto__=x` stays a key, refused as unknown, instead of being
  // assigned to the prototype and silently dropped.
  return Object.fromEntries(
    params.map((p) => {
      const eq = p.indexOf('=');
      if (eq <= 0) throw new EvaluateUsageError(`--param takes Key=Value, not '${printable(p)}'`);
      return [p.slice(0, eq), p.slice(eq + 1)];
    }),
  );
}

export async function runEvaluate(options: EvaluateOptions, deps: EvaluateDependencies, out: (text: string) => void): Promise<number> {
  if (options.publish !== (options.resultToken !== undefined)) {
    throw new EvaluateUsageError('--publish and --result-token go together');
  }
  let parameters;
  try {
    parameters = parseRuleParameters(parseParams(options.params));
  } catch (e) {
    if (e instanceof ParameterError) throw new EvaluateUsageError(e.message);
    throw e;
  }
  const region = options.region ?? (await deps.defaultRegion());
  if (!region) throw new CouldNotRunError('no region: pass --region or set AWS_REGION (or a region in your AWS profile)');
  const budget = timeBudget(CLI_BUDGET_MS);
  const reader = await deps.createReader(region, budget);
  if (!reader.ok) throw new CouldNotRunError(`cannot identify the account: ${describeFailure(reader.failure)}: ${reader.failure.message}`);
  const accountId = reader.value.accountId;
  const decision = await evaluateAccount(reader.value, { accountId, region, parameters, budget });
  const evaluation = {
    ComplianceResourceType: 'AWS::::Account',
    ComplianceResourceId: accountId,
    ComplianceType: decision.complianceType,
    Annotation: decision.annotation,
  };
  if (options.format === 'json') out(JSON.stringify([evaluation], null, 2) + '\n');
  // The region may come from the command line or a profile: escaped like the annotation's names.
  else out(`${escapeUnsafe(`${accountId}  ${region}  ${decision.complianceType}  ${decision.annotation}`)}\n`);
  if (options.publish && options.resultToken) {
    const toPublish: Evaluation = { ...evaluation, OrderingTimestamp: new Date() };
    try {
      await putEvaluations(deps.configClient(region), [toPublish], options.resultToken);
    } catch (e) {
      throw new CouldNotRunError(`could not publish the evaluation: ${(e as Error).message}`);
    }
  }
  return decision.complianceType === 'COMPLIANT' ? 0 : 1;
}
