/**
 * A fake HTTP handler for SDK clients: unlike aws-sdk-client-mock (which replaces `send`), it lets the whole
 * middleware stack run (serialisation, signing, retries, deserialisation) and answers at the wire.
 */
import { HttpResponse } from '@smithy/core/protocols';
import type { HttpRequest } from '@smithy/core/protocols';

/** What the fake answers to the n-th request (0-based): a response, or an error to throw (a network failure). */
export type Answer = (request: HttpRequest, index: number) => HttpResponse | Error;

export interface FakeHttpHandler {
  /** Every request the SDK sent, in order (after signing). */
  readonly requests: HttpRequest[];
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

export function fakeHttpHandler(answer: Answer): FakeHttpHandler {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async handle(request) {
      requests.push(request);
      const result = answer(request, requests.length - 1);
      if (result instanceof Error) throw result;
      return { response: result };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** An AWS JSON 1.1 protocol answer (CloudWatch Logs, CloudTrail). */
export function awsJsonResponse(statusCode: number, body: unknown): HttpResponse {
  return new HttpResponse({
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  });
}

/** The JSON body the SDK sent. */
export function requestJson(request: HttpRequest): unknown {
  const body: unknown = request.body;
  // Decode the bytes: the SDK's body adapter warns when used as a string.
  return JSON.parse(body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body));
}

/** A network failure as Node reports it (no HTTP answer at all). */
export function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
}
