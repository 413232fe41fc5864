/**
 * The one client configuration for every AWS client the project makes (the reader's, the Lambda's STS and Config
 * clients, the command line's): adaptive retries, and timeouts that really end a call.
 *
 * Endpoints are never set here, so the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` support keeps
 * working (that is how a local AWS emulator is reached).
 */
import type { CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import type { ConfigServiceClientConfig } from '@aws-sdk/client-config-service';
import type { SNSClientConfig } from '@aws-sdk/client-sns';
import type { STSClientConfig } from '@aws-sdk/client-sts';

/** Static credentials or a provider (AwsCredentialIdentity | AwsCredentialIdentityProvider), as every client takes. */
export type ReaderCredentials = NonNullable<STSClientConfig['credentials']>;

type AllClientsConfig = CloudTrailClientConfig &
  CloudWatchLogsClientConfig &
  CloudWatchClientConfig &
  SNSClientConfig &
  STSClientConfig &
  ConfigServiceClientConfig;

/**
 * Client settings shared by every service (region, credentials and endpoint are the caller's business). Picked from
 * the intersection of the clients' configs so that one value is valid for all of them.
 */
export type SharedClientConfig = Partial<
  Pick<
    AllClientsConfig,
    | 'requestHandler'
    | 'maxAttempts'
    | 'retryMode'
    | 'retryStrategy'
    | 'logger'
    | 'useFipsEndpoint'
    | 'useDualstackEndpoint'
    | 'customUserAgent'
  >
>;

/**
 * The HTTP settings. The rule's reads answer in well under a second, so 10 s is ample, and short enough that a
 * held request leaves time for a retry within the evaluation's budget. `throwOnRequestTimeout` is what makes the
 * request timeout end the call: without it the installed @smithy/node-http-handler only logs a warning when
 * `requestTimeout` passes (its NodeHttpHandlerOptions documentation: "a warning will be emitted unless
 * throwOnRequestTimeout=true"). `socketTimeout` ends an answer whose body stalls after its headers came, which the
 * request timeout (cleared on the headers) no longer covers.
 */
export const HTTP_HANDLER_OPTIONS = {
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
  throwOnRequestTimeout: true,
  socketTimeout: 10_000,
};

/** Most attempts per call (the first and 7 retries); the evaluation's time budget ends them sooner when spent. */
export const MAX_ATTEMPTS = 8;

export interface AwsClientConfig extends SharedClientConfig {
  region: string;
  credentials?: ReaderCredentials;
}

/**
 * The configuration of any client the project makes. `overrides` win, except that request handler options given
 * as a plain object are merged over HTTP_HANDLER_OPTIONS, so that changing one timeout keeps the others and keeps
 * the request timeout throwing; a handler instance (tests' fakes) replaces them.
 */
export function awsClientConfig(region: string, credentials?: ReaderCredentials, overrides: SharedClientConfig = {}): AwsClientConfig {
  const { requestHandler, ...rest } = compact(overrides);
  return {
    region,
    // Absent rather than undefined, so that the SDK falls back to its default provider chain.
    ...(credentials === undefined ? {} : { credentials }),
    // Adaptive mode also rate-limits the client after throttles, which the rule's bursts of reads cause.
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: isHandlerOptions(requestHandler) ? { ...HTTP_HANDLER_OPTIONS, ...requestHandler } : requestHandler ?? { ...HTTP_HANDLER_OPTIONS },
    ...rest,
  };
}

/** Options for the SDK's default handler (NodeHttpHandlerOptions), as opposed to a handler instance (which has `handle`). */
function isHandlerOptions(handler: SharedClientConfig['requestHandler']): handler is Record<string, unknown> {
  return typeof handler === 'object' && handler !== null && !('handle' in handler);
}

/**
 * Drops the keys whose value is undefined: an override left undefined must not erase a default, and a field AWS
 * omitted is absent, not present-but-undefined.
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
