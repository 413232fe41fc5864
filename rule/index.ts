/**
 * The Lambda entry point (handler `index.handler`): wires the real AWS clients into the handler. Clients are
 * created at init and reused across invocations; readers with assumed credentials live for one invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { SdkAwsReader } from './collect/sdk-reader';
import { evaluateAccount } from './evaluate-account';
import { createHandler } from './handler';

const SERVICE = 'unauthorized-api-calls-monitored';
const region = process.env.AWS_REGION ?? 'us-east-1';
const logger = new Logger({ serviceName: SERVICE });
const sts = new STSClient({ region });
const ownConfigClient = new ConfigServiceClient({ region });
/** Readers with the Lambda's own credentials, by account, kept for their client connections. */
const ownReaders = new Map<string, SdkAwsReader>();

export const handler = createHandler({
  logger,
  region,
  evaluateAccount: async ({ accountId, region: evaluated, partition, parameters, credentials }) => {
    let reader = credentials ? undefined : ownReaders.get(accountId);
    if (!reader) {
      reader = new SdkAwsReader({ accountId, partition, defaultRegion: evaluated, ...(credentials ? { credentials } : {}) });
      if (!credentials) ownReaders.set(accountId, reader);
    }
    return evaluateAccount(reader, { accountId, region: evaluated, parameters });
  },
  assumeRole: async (roleArn) => {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SERVICE, DurationSeconds: 900 }));
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole on ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  },
  configClient: (credentials) => (credentials ? new ConfigServiceClient({ region, credentials }) : ownConfigClient),
});
