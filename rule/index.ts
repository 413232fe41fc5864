/**
 * The Lambda entry point (handler `index.handler`): wires the real AWS clients into the handler. Clients are
 * created at init and reused across invocations; readers are made per invocation, each with the invocation's time
 * budget (readers with the Lambda's own credentials share cached clients, readers with assumed credentials live for
 * one invocation).
 *
 * The Lambda's own credentials are its execution role's, which the Lambda runtime puts in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: "Defined runtime environment variables" in the Lambda
 * developer guide), so its clients read them with `fromEnv` rather than the SDK's default chain, whose profile, SSO,
 * web identity and metadata providers a Lambda never uses; scripts/build.mjs leaves that chain out of the bundle.
 * The command line keeps the default chain.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { STSClient } from '@aws-sdk/client-sts';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { awsClientConfig } from './collect/client-config';
import { SdkAwsReader, assumeRoleCredentials } from './collect/sdk-reader';
import { describeFailure } from './decide';
import { evaluateAccount } from './evaluate-account';
import { createHandler } from './handler';

const SERVICE = 'unauthorized-api-calls-monitored';
const region = process.env.AWS_REGION ?? 'us-east-1';
const logger = new Logger({ serviceName: SERVICE });
const ownCredentials = fromEnv();
const sts = new STSClient(awsClientConfig(region, ownCredentials));
const ownConfigClient = new ConfigServiceClient(awsClientConfig(region, ownCredentials));
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
        own = new SdkAwsReader({ accountId, partition, defaultRegion: evaluated, credentials: ownCredentials });
        ownReaders.set(accountId, own);
      }
      reader = own.forEvaluation(budget);
    }
    return evaluateAccount(reader, { accountId, region: evaluated, parameters, budget });
  },
  assumeRole: async (roleArn, budget) => {
    const credentials = await assumeRoleCredentials(sts, roleArn, budget);
    if (!credentials.ok) throw new Error(`${describeFailure(credentials.failure)}: ${credentials.failure.message}`);
    return credentials.value;
  },
  configClient: (credentials) => (credentials ? new ConfigServiceClient(awsClientConfig(region, credentials)) : ownConfigClient),
});
