/** aws-sdk-client-mock for every client the reader makes, and the assertions on its Fetched answers. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { CallFailure, Fetched } from '../../rule/snapshot';

export function expectFailure<T>(fetched: Fetched<T>): CallFailure {
  if (fetched.ok) throw new Error(`expected a failure, got ${JSON.stringify(fetched.value)}`);
  return fetched.failure;
}

export function expectValue<T>(fetched: Fetched<T>): T {
  if (!fetched.ok) throw new Error(`expected a value, got ${JSON.stringify(fetched.failure)}`);
  return fetched.value;
}

// aws-sdk-client-mock replaces `send` on the client prototypes: the reader's lazily created clients are all mocked.
function mockAllClients() {
  return {
    cloudTrail: mockClient(CloudTrailClient),
    logs: mockClient(CloudWatchLogsClient),
    cloudWatch: mockClient(CloudWatchClient),
    sns: mockClient(SNSClient),
    sts: mockClient(STSClient),
  };
}

export type ClientMocks = ReturnType<typeof mockAllClients>;

/** Mocks every reader client afresh for each test of the calling file; `mocks()` gives this test's. */
export function mockReaderClients(): () => ClientMocks {
  let mocks: ClientMocks | undefined;
  beforeEach(() => {
    mocks = mockAllClients();
  });
  afterEach(() => {
    for (const stub of Object.values(mocks ?? {})) stub.restore();
  });
  return () => mocks!;
}
