/**
 * The wire: reading a request in the AWS JSON 1.0/1.1 or Query protocol (with the caller's SigV4 credential scope)
 * and writing answers and errors the way AWS writes them, so that unmodified clients (SDK v3, botocore / AWS CLI)
 * parse them.
 *
 * - JSON 1.x: `POST /`, `X-Amz-Target: <prefix>.<Operation>`, JSON body; answers `application/x-amz-json-1.x` with
 *   timestamps as epoch seconds; errors `{"__type": Code, "message": ...}` with HTTP 400 (5xx for server faults).
 *   An awsQueryCompatible service (CloudWatch) adds `x-amzn-query-error: <Code>;<Sender|Receiver>`.
 * - Query: form-encoded `Action=<Operation>&Version=<date>&...` (lists `X.member.N`, maps `X.entry.N.key/value`);
 *   answers `<OpResponse xmlns><OpResult>...</OpResult><ResponseMetadata>` with lists as `<member>`, timestamps ISO
 *   8601; errors `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ServiceError, StringMap, isRecord } from './common';

export type Protocol = 'json' | 'query';

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  /** The signing name: `monitoring` for CloudWatch, else the endpoint prefix (`logs`, `sns`, ...). */
  service: string;
}

export interface WireRequest {
  protocol: Protocol | undefined;
  /** JSON: the X-Amz-Target prefix (`Logs_20140328`); Query: undefined. */
  targetPrefix?: string;
  /** Query: the Version parameter. */
  queryVersion?: string;
  operation?: string;
  params: Record<string, unknown>;
  credential?: Credential;
  sessionToken?: string;
  /** Why the body could not be read, if it could not. */
  malformed?: string;
}

/** The credential scope of a SigV4 `Authorization` header. */
export const SIGV4_CREDENTIAL = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the protocol, operation, parameters and credential scope of a request. */
export function parseRequest(method: string, url: URL, headers: IncomingHttpHeaders, body: string): WireRequest {
  const scope = SIGV4_CREDENTIAL.exec(header(headers, 'authorization') ?? '');
  const credential = scope ? { accessKeyId: scope[1]!, date: scope[2]!, region: scope[3]!, service: scope[4]! } : undefined;
  const sessionToken = header(headers, 'x-amz-security-token');
  const base = { credential, sessionToken, params: {} };

  const target = header(headers, 'x-amz-target');
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    const request: WireRequest = { ...base, protocol: 'json', targetPrefix: target.slice(0, Math.max(dot, 0)), operation: target.slice(dot + 1) };
    if (body.trim() === '') return request;
    try {
      const parsed: unknown = JSON.parse(body);
      if (!isRecord(parsed)) return { ...request, malformed: 'the request body must be a JSON object' };
      return { ...request, params: parsed };
    } catch (error) {
      return { ...request, malformed: `the request body is not JSON: ${(error as Error).message}` };
    }
  }

  const contentType = header(headers, 'content-type') ?? '';
  const isForm = method === 'POST' && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
  if (isForm || url.searchParams.has('Action')) {
    const pairs = [...url.searchParams.entries(), ...(isForm ? new URLSearchParams(body).entries() : [])];
    const action = pairs.find(([k]) => k === 'Action')?.[1];
    const version = pairs.find(([k]) => k === 'Version')?.[1];
    const members = pairs.filter(([k]) => k !== 'Action' && k !== 'Version');
    return { ...base, protocol: 'query', operation: action, queryVersion: version, params: decodeQueryParams(members) };
  }
  return { ...base, protocol: undefined };
}

/**
 * Nests flat Query parameters: `A.member.2.B=x` becomes `{A: [_, {B: 'x'}]}`, `M.entry.1.key=k&M.entry.1.value=v`
 * becomes `{M: {k: 'v'}}`. Leaves stay strings: each operation converts what it reads.
 */
export function decodeQueryParams(pairs: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const path = key.split('.');
    if (path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const child = node[segment];
      // A subtree wins over an earlier leaf (`A=` for an empty list, then `A.member.1=x`).
      if (!isRecord(child)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (!isRecord(node[last])) node[last] = value;
  }
  return normaliseQueryTree(root) as Record<string, unknown>;
}

function numbered(record: Record<string, unknown>): unknown[] {
  return Object.entries(record)
    .filter(([index]) => /^\d+$/.test(index))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, item]) => item);
}

function normaliseQueryTree(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'member' && isRecord(value.member)) return numbered(value.member).map(normaliseQueryTree);
  if (keys.length === 1 && keys[0] === 'entry' && isRecord(value.entry)) {
    const map: Record<string, unknown> = {};
    for (const entry of numbered(value.entry)) {
      if (isRecord(entry) && typeof entry.key === 'string' && !UNSAFE_KEYS.has(entry.key)) map[entry.key] = normaliseQueryTree(entry.value);
    }
    return map;
  }
  return Object.fromEntries(keys.map((k) => [k, normaliseQueryTree(value[k])]));
}

// ---- Answers ------------------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A JSON 1.x value: Date as epoch seconds, StringMap as an object, undefined members dropped. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof StringMap) return { ...value.entries };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

export function jsonAnswer(version: string, result: unknown, requestId: string): Answer {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: JSON.stringify(toJsonValue(result ?? {})),
  };
}

export function jsonError(version: string, error: ServiceError, requestId: string, queryCompatibleType?: (code: string) => string): Answer {
  const headers: Record<string, string> = { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId };
  if (queryCompatibleType) headers['x-amzn-query-error'] = `${error.code};${error.fault}`;
  return {
    status: error.fault === 'Receiver' ? Math.max(error.status, 500) : 400,
    headers,
    body: JSON.stringify({ __type: queryCompatibleType ? queryCompatibleType(error.code) : error.code, message: error.message }),
  };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!);
}

/** One element: lists as `<member>` items, StringMap as `<entry><key/><value/></entry>`, Date as ISO 8601. */
export function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  let inner: string;
  if (value instanceof Date) inner = value.toISOString();
  else if (value instanceof StringMap) {
    inner = Object.entries(value.entries)
      .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></entry>`)
      .join('');
  } else if (Array.isArray(value)) inner = value.map((item) => xmlElement('member', item)).join('');
  else if (isRecord(value)) inner = Object.entries(value).map(([k, v]) => xmlElement(k, v)).join('');
  else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') inner = escapeXml(String(value));
  else throw new TypeError(`${name}: a ${typeof value} has no XML form`);
  return `<${name}>${inner}</${name}>`;
}

export function queryAnswer(operation: string, namespace: string, result: unknown, requestId: string): Answer {
  const resultXml = result === undefined ? '' : xmlElement(`${operation}Result`, result);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<${operation}Response xmlns="${namespace}">${resultXml}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

export function queryError(namespace: string, error: ServiceError, requestId: string): Answer {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
