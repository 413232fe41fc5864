/**
 * Who may talk to the local AWS. It listens on 127.0.0.1, which every web page the developer opens can also reach:
 * through DNS rebinding (a page's own host name resolving to 127.0.0.1, so the browser sends `Host: evil.example`)
 * or with a plain cross-site form post or GET. Real clients never look like that, so those requests are refused
 * before their body is read:
 *
 * - `Host` must name the emulator as a client pointed at it names it: `127.0.0.1:<port>`, `localhost:<port>` or
 *   `[::1]:<port>` (the port may be left out only when it is 80). Captured from SDK v3, boto3 1.26 and AWS CLI 1.45:
 *   each sends exactly the endpoint's `host:port`. SDKs prepend an operation's `hostPrefix` even to a custom
 *   endpoint (aws/aws-sdk-js-v3#7146), but no operation served here has one (the SDK v3 clients and botocore's
 *   models of the seven services give a prefix only to logs GetLogObject and StartLiveTail, `stream-`).
 * - No `Origin` and no `Sec-Fetch-*` header: browsers add them (Sec-Fetch-Site on every request to 127.0.0.1 and
 *   localhost, which count as secure contexts; Origin on every cross-site POST); SDKs and botocore send neither.
 *   Node's own fetch sends `Sec-Fetch-Mode: cors` alone, without Sec-Fetch-Site, and is let through.
 * - An AWS call that is not AWS JSON (no `X-Amz-Target`) must carry a SigV4 `Authorization` header: a Query call is a
 *   form post or a GET, which a page can send, but a page cannot add that header without a CORS preflight, which the
 *   emulator never grants. (JSON calls need `X-Amz-Target`, which is preflighted too.) Presigned query-string
 *   credentials are therefore not accepted: no client of the rule or the remediation sends them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SIGV4_CREDENTIAL, header } from './protocol';

export interface Refusal {
  /** `MissingAuthenticationToken` (AWS's code for an unsigned call) or `RequestRefused` (not an AWS code: AWS has no such check). */
  code: 'MissingAuthenticationToken' | 'RequestRefused';
  message: string;
}

/** The emulator's own pages (state, call log), read with curl; they need no AWS credentials. */
export const OWN_PATH_PREFIX = '/_local-aws/';

/** Why a request must be refused, or undefined. `port` is the port the request arrived on. */
export function refusal(headers: IncomingHttpHeaders, path: string, port: number): Refusal | undefined {
  const host = header(headers, 'host');
  if (host === undefined || !allowedHosts(port).has(host.toLowerCase())) {
    return {
      code: 'RequestRefused',
      message:
        `local-aws: Host ${host === undefined ? '(none)' : `'${host}'`} refused; use http://127.0.0.1:${port}, ` +
        `http://localhost:${port} or http://[::1]:${port} (a web page can reach a local port under another host name through DNS rebinding)`,
    };
  }
  const origin = header(headers, 'origin');
  if (origin !== undefined) {
    return { code: 'RequestRefused', message: `local-aws: a request from a web page (Origin '${origin}') refused; AWS SDKs and the AWS CLI send no Origin` };
  }
  const fetchMetadata = Object.keys(headers).find((name) => name.startsWith('sec-fetch-') && !(name === 'sec-fetch-mode' && header(headers, name) === 'cors'));
  if (fetchMetadata !== undefined) {
    return {
      code: 'RequestRefused',
      message: `local-aws: a request from a web browser (${fetchMetadata}: ${header(headers, fetchMetadata)}) refused; use an AWS SDK, the AWS CLI or curl`,
    };
  }
  const signed = SIGV4_CREDENTIAL.test(header(headers, 'authorization') ?? '');
  if (!signed && header(headers, 'x-amz-target') === undefined && !path.startsWith(OWN_PATH_PREFIX)) {
    return {
      code: 'MissingAuthenticationToken',
      message:
        'local-aws: an AWS call needs a SigV4 Authorization header (AWS4-HMAC-SHA256 Credential=...); unsigned form posts ' +
        'and GETs, which any web page can send, and presigned query strings are refused',
    };
  }
  return undefined;
}

function allowedHosts(port: number): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  return new Set([...names.map((name) => `${name}:${port}`), ...(port === 80 ? names : [])]);
}
