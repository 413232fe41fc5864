/**
 * The Lambda entry point (handler `index.handler`): wires the real AWS clients into the handler. Clients are
 * created at init and reused across invocations; readers are made per invocation, each with the invocation's time
 * budget (readers with the Lambda's own credentials share cached clients, readers with assumed credentials live for
 * one invocation).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from './collect/client-config';
import { SdkAwsReader } from './collect/sdk-reader';
import { evaluateAccount } from './evaluate-account';
import { createHandler } from './handler';

const SERVICE = 'unauthorized-api-calls-monitored';
const region = process.env.AWS_REGION ?? 'us-east-1';
const logger = new Logger({ serviceName: SERVICE });
const sts = new STSClient(awsClientConfig(region));
const ownConfigClient = new ConfigServiceClient(awsClientConfig(region));
/** Readers with the Lambda's own credentials, by account, kept for their clients' connections; never used directly. */
const ownReaders = new Map<string, SdkAwsReader>();

export const handler = createHandler({
  logger,
  region,
  evaluateAccount: async ({ accountId, region: evaluated, partition, parameters, credentials, budget }) => {
    let reader: SdkAwsReader;
    if (credentials) {
      reader = new SdkAwsReader({ accountId, partition, defaultRegion: evaluated, credentials, budget });
    } else {
      let own = ownReaders.get(accountId);
      if (!own) {
        own = new SdkAwsReader({ accountId, partition, defaultRegion: evaluated });
        ownReaders.set(accountId, own);
      }
      reader = own.forEvaluation(budget);
    }
    return evaluateAccount(reader, { accountId, region: evaluated, parameters, budget });
  },
  assumeRole: async (roleArn, budget) => {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SERVICE, DurationSeconds: 900 }), {
      abortSignal: AbortSignal.timeout(budget.remaining()),
    });
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole on ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  },
  configClient: (credentials) => (credentials ? new ConfigServiceClient(awsClientConfig(region, credentials)) : ownConfigClient),
});
