import { ConfigServiceClient, PutEvaluationsCommand, type Evaluation } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_ANNOTATION_LENGTH, truncateAnnotation } from '../../rule/decide';
import { PutEvaluationsError, putEvaluations } from '../../rule/publish';

const configMock = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
const AT = new Date('2024-05-13T21:50:00.373Z');

function evaluations(n: number): Evaluation[] {
  return Array.from({ length: n }, (_, i) => ({
    ComplianceResourceType: 'AWS::::Account',
    ComplianceResourceId: String(100000000000 + i),
    ComplianceType: i % 2 ? 'COMPLIANT' : 'NON_COMPLIANT',
    Annotation: `account ${i}`,
    OrderingTimestamp: AT,
  }));
}

function calls() {
  return configMock.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
}

beforeEach(() => {
  configMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('putEvaluations batching', () => {
  it.each([
    [1, [1]],
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('%i evaluations → batches %j, all sent once in order', async (n, sizes) => {
    const input = evaluations(n);
    await putEvaluations(client, input, 'token-abc');
    const sent = calls();
    expect(sent.map((c) => c.Evaluations?.length)).toEqual(sizes);
    expect(sent.flatMap((c) => c.Evaluations ?? []).map((e) => e.ComplianceResourceId)).toEqual(input.map((e) => e.ComplianceResourceId));
    expect(sent.every((c) => c.ResultToken === 'token-abc')).toBe(true);
  });

  it('no evaluation → no call', async () => {
    await putEvaluations(client, [], 'token-abc');
    expect(calls()).toHaveLength(0);
  });
});

describe('putEvaluations test mode', () => {
  it('TESTMODE sets TestMode: true', async () => {
    await putEvaluations(client, evaluations(101), 'TESTMODE');
    expect(calls().map((c) => c.TestMode)).toEqual([true, true]);
    expect(calls()[0]!.ResultToken).toBe('TESTMODE');
  });

  it.each(['token-abc', 'testmode', 'TESTMODE '])('token %j leaves TestMode unset', async (token) => {
    await putEvaluations(client, evaluations(1), token);
    expect(calls()[0]).not.toHaveProperty('TestMode');
  });
});

describe('putEvaluations failures', () => {
  it('an API error → PutEvaluationsError naming the call and the AWS error code, at once', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform config:PutEvaluations'), { name: 'AccessDeniedException' });
    configMock.on(PutEvaluationsCommand).rejects(denied);
    const error = await putEvaluations(client, evaluations(150), 'token-abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEvaluationsError);
    expect((error as Error).message).toBe('config:PutEvaluations failed (AccessDeniedException): User is not authorized to perform config:PutEvaluations');
    expect(calls()).toHaveLength(1);
  });

  it('FailedEvaluations → PutEvaluationsError listing them, after every batch was sent', async () => {
    const input = evaluations(150);
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [input[3]!] })
      .resolvesOnce({ FailedEvaluations: [input[120]!] });
    const error = await putEvaluations(client, input, 'token-abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEvaluationsError);
    expect((error as PutEvaluationsError).failedEvaluations).toEqual([input[3], input[120]]);
    expect((error as Error).message).toBe(
      'AWS Config refused 2 of 150 evaluation(s): AWS::::Account 100000000003 COMPLIANT; AWS::::Account 100000000120 NON_COMPLIANT',
    );
    expect(calls()).toHaveLength(2);
  });

  it('lists at most ten failures', async () => {
    const input = evaluations(12);
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: input });
    await expect(putEvaluations(client, input, 't')).rejects.toThrow(/refused 12 of 12 .*; and 2 more$/);
  });

  it('INSUFFICIENT_DATA is refused before any call', async () => {
    const input = [...evaluations(120)];
    input[110] = { ...input[110]!, ComplianceType: 'INSUFFICIENT_DATA' };
    await expect(putEvaluations(client, input, 't')).rejects.toThrow(PutEvaluationsError);
    await expect(putEvaluations(client, input, 't')).rejects.toThrow(/evaluation 110 .*ComplianceType must be one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE/);
    expect(calls()).toHaveLength(0);
  });

  it.each<[string, Partial<Evaluation>, RegExp]>([
    ['no ComplianceType', { ComplianceType: undefined }, /ComplianceType must be one of/],
    ['empty resource id', { ComplianceResourceId: '' }, /ComplianceResourceId must be 1-768 characters/],
    ['over-long resource id', { ComplianceResourceId: 'x'.repeat(769) }, /ComplianceResourceId must be 1-768/],
    ['no resource type', { ComplianceResourceType: undefined }, /ComplianceResourceType must be 1-256/],
    ['invalid timestamp', { OrderingTimestamp: new Date('nope') }, /OrderingTimestamp must be a valid Date/],
  ])('%s is refused before any call', async (_name, patch, message) => {
    await expect(putEvaluations(client, [{ ...evaluations(1)[0]!, ...patch }], 't')).rejects.toThrow(message);
    expect(calls()).toHaveLength(0);
  });

  it('an API error propagates', async () => {
    configMock.on(PutEvaluationsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(putEvaluations(client, evaluations(1), 't')).rejects.toThrow('Rate exceeded');
  });
});

describe('annotations', () => {
  it('an over-long annotation is truncated to 256 characters ending in …', async () => {
    const long = 'NON_COMPLIANT: '.padEnd(400, 'x');
    await putEvaluations(client, [{ ...evaluations(1)[0]!, Annotation: long }], 't');
    const sent = calls()[0]!.Evaluations![0]!.Annotation!;
    expect(sent).toHaveLength(256);
    expect(sent.endsWith('…')).toBe(true);
    expect(sent.slice(0, 255)).toBe(long.slice(0, 255));
  });

  it('annotations of 1 and 256 characters are sent unchanged; an empty one is dropped', async () => {
    const input = evaluations(3);
    input[0]!.Annotation = 'x';
    input[1]!.Annotation = 'y'.repeat(256);
    input[2]!.Annotation = '';
    await putEvaluations(client, input, 't');
    const sent = calls()[0]!.Evaluations!;
    expect(sent[0]!.Annotation).toBe('x');
    expect(sent[1]!.Annotation).toBe('y'.repeat(256));
    expect(sent[2]).not.toHaveProperty('Annotation');
    // The caller's objects are not modified.
    expect(input[2]!.Annotation).toBe('');
  });

  it('truncation never splits a surrogate pair', () => {
    const emoji = '🔒'.repeat(200); // 400 UTF-16 units
    const cut = truncateAnnotation(emoji);
    expect(cut.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(cut).toBe(`${'🔒'.repeat(127)}…`);
    expect(truncateAnnotation('short')).toBe('short');
  });
});
