/**
 * The Lambda handler: parse the Config event, pick the credentials, evaluate the account, write one evaluation.
 * A thin shell: the collectors and the decision come in through `evaluateAccount`, AWS clients through factories,
 * so this file needs no AWS access to test. rule/index.ts wires the real dependencies.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
// Type only (erased at build): the credential shape every SDK v3 client accepts.
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Context } from 'aws-lambda';
import { lambdaBudget, timeBudget, type TimeBudget } from './budget';
import { parseFunctionArn, parseRoleArn, roleArn } from './arn';
import { ConfigEventError, TEST_MODE_RESULT_TOKEN, parseConfigEvent, type ConfigRuleInvocation } from './config-event';
import { truncateAnnotation, type AccountDecision, type ComplianceType } from './decide';
import { ParameterError, type RuleParameters } from './parameters';
import { accountEvaluation, putEvaluations } from './publish';
import { printable } from './text';

export interface EvaluateAccountInput {
  accountId: string;
  region: string;
  /** Partition of the Lambda (`aws`, `aws-cn`, `aws-us-gov`, ...), for the ARNs of roles the rule assumes. */
  partition: string;
  parameters: RuleParameters;
  /** The evaluated account's credentials; undefined means the Lambda's own. */
  credentials?: AwsCredentialIdentity;
  /** The Lambda's remaining time less what writing the evaluation needs. */
  budget: TimeBudget;
}

export type EvaluateAccount = (input: EvaluateAccountInput) => Promise<AccountDecision>;
/** sts:AssumeRole from the Lambda's own credentials, given up when the Lambda's time is spent. */
export type AssumeRole = (roleArn: string, budget: TimeBudget) => Promise<AwsCredentialIdentity>;
/** A Config client with these credentials (the Lambda's own when undefined). */
export type ConfigClientFactory = (credentials?: AwsCredentialIdentity) => ConfigServiceClient;

export interface HandlerDependencies {
  logger: Logger;
  region: string;
  evaluateAccount: EvaluateAccount;
  assumeRole: AssumeRole;
  configClient: ConfigClientFactory;
}

export interface HandlerResult {
  accountId: string;
  complianceType: ComplianceType;
  annotation: string;
}

export type HandlerContext = Pick<Context, 'invokedFunctionArn' | 'awsRequestId' | 'getRemainingTimeInMillis'>;

/** No usable role for the evaluated account. */
export class ExecutionRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionRoleError';
  }
}

/** Partition and account of the running function, from `context.invokedFunctionArn`. */
export function functionAccount(invokedFunctionArn: string): { partition: string; accountId: string } {
  const fn = parseFunctionArn(invokedFunctionArn);
  if (!fn) throw new Error(`context.invokedFunctionArn is not a Lambda function ARN: '${printable(invokedFunctionArn)}'`);
  return { partition: fn.partition, accountId: fn.accountId };
}

/**
 * The role to assume for the evaluated account, or undefined for the Lambda's own credentials.
 * - ExecutionRoleName set: that role in the evaluated account, always (RDK's convention; also the way round the
 *   service-linked role, which cannot be assumed).
 * - Another account (organization rule run centrally): the event's executionRoleArn, which must be in that account.
 * - Same account, no ExecutionRoleName: the Lambda's own role.
 */
export function roleToAssume(invocation: ConfigRuleInvocation, lambda: { partition: string; accountId: string }): string | undefined {
  const { accountId, parameters, executionRoleArn } = invocation;
  if (parameters.executionRoleName) {
    return roleArn(lambda.partition, accountId, parameters.executionRoleName);
  }
  if (accountId === lambda.accountId) return undefined;
  if (!executionRoleArn) {
    throw new ExecutionRoleError(
      `account ${accountId} is not the Lambda's account ${lambda.accountId} and the event has no executionRoleArn; set the ExecutionRoleName rule parameter`,
    );
  }
  const role = parseRoleArn(executionRoleArn);
  // Writing with another account's role would post results under the wrong account; refuse rather than guess.
  if (!role || role.accountId !== accountId) {
    throw new ExecutionRoleError(`executionRoleArn ${printable(executionRoleArn)} is not a role in the evaluated account ${accountId}`);
  }
  if (role.path.startsWith('/aws-service-role/')) {
    throw new ExecutionRoleError(
      `executionRoleArn ${printable(executionRoleArn)} is a service-linked role, which cannot be assumed; set the ExecutionRoleName rule parameter`,
    );
  }
  return executionRoleArn;
}

/**
 * The evaluation, or NON_COMPLIANT saying it could not be made: AWS Config keeps showing an account's last result
 * when a run writes nothing, so an unexpected failure written as an evaluation is seen, where a thrown one is not.
 */
async function evaluateOrExplain(deps: HandlerDependencies, input: EvaluateAccountInput, keys: Record<string, unknown>): Promise<AccountDecision> {
  try {
    return await deps.evaluateAccount(input);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    deps.logger.error({ message: 'evaluation failed; writing NON_COMPLIANT', ...keys }, error);
    return { complianceType: 'NON_COMPLIANT', annotation: truncateAnnotation(`Could not evaluate: ${error.name}: ${error.message}`) };
  }
}

export function createHandler(deps: HandlerDependencies): (event: unknown, context: HandlerContext) => Promise<HandlerResult> {
  const { logger } = deps;
  return async (event, context) => {
    const requestId = context.awsRequestId;
    // The evaluation gets the remaining time less the write reserve; assuming the member's role, which the write
    // needs too, may use all of it.
    const lambdaTime = timeBudget(context.getRemainingTimeInMillis());
    const budget = lambdaBudget(lambdaTime.remaining());

    let invocation: ConfigRuleInvocation;
    try {
      invocation = parseConfigEvent(event);
    } catch (e) {
      if (e instanceof ConfigEventError || e instanceof ParameterError) {
        logger.error({ message: 'invalid AWS Config event; nothing evaluated', requestId, reason: e.message }, e);
      }
      throw e;
    }

    const { accountId, messageType } = invocation;
    const testMode = invocation.resultToken === TEST_MODE_RESULT_TOKEN;
    // Never the result token, never credentials: only what identifies the run.
    const keys = {
      requestId,
      accountId,
      configRuleName: invocation.configRuleName,
      // One Lambda serves a Config rule per control: which one this run evaluated.
      control: invocation.parameters.control,
      messageType,
      testMode,
      triggeredBy: invocation.triggeredBy,
    };

    try {
      const lambda = functionAccount(context.invokedFunctionArn);
      const roleArn = roleToAssume(invocation, lambda);
      let credentials: AwsCredentialIdentity | undefined;
      if (roleArn) {
        logger.debug({ message: 'assuming role', ...keys, roleArn });
        credentials = await deps.assumeRole(roleArn, lambdaTime);
      }

      const input: EvaluateAccountInput = { accountId, region: deps.region, partition: lambda.partition, parameters: invocation.parameters, budget };
      if (credentials) input.credentials = credentials;
      const { complianceType, annotation } = await evaluateOrExplain(deps, input, keys);

      const evaluation = accountEvaluation(accountId, { complianceType, annotation }, invocation.orderingTimestamp);
      // The member's credentials for organization rules: the result token belongs to the member's rule.
      await putEvaluations(deps.configClient(credentials), [evaluation], invocation.resultToken);

      logger.info({ message: 'account evaluated', ...keys, compliance: complianceType, annotation });
      return { accountId, complianceType, annotation };
    } catch (e) {
      logger.error({ message: 'account evaluation failed', ...keys }, e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  };
}
