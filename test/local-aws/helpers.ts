/**
 * Shared by the local AWS tests: starting and stopping the emulator, SDK client settings pointing at it, raw
 * requests as other clients (botocore, curl) send them, and a small XML reader for Query answers.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../../devtools/local-aws/server';
import { REGION, type World } from '../support/world';

/**
 * `serve(world)` starts an emulator for the current test; every one started is closed after the test (and
 * AWS_ENDPOINT_URL, when a test set it, restored).
 */
export function useLocalAws(): (world: World, options?: Omit<LocalAwsOptions, 'world' | 'port'>) => Promise<LocalAws> {
  const running: LocalAws[] = [];
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;
  afterEach(async () => {
    await Promise.all(running.splice(0).map((local) => local.close()));
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
  });
  return async (world, options = {}) => {
    const local = await startLocalAws({ ...options, world });
    running.push(local);
    return local;
  };
}

/** Retries at once: a throttled call is retried without the SDK's backoff delays. */
export function fastRetry(): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(4, () => 0);
}

/** Settings for any SDK v3 client: the emulator's endpoint, an account's fake keys, instant retries. */
export function clientConfig(local: LocalAws, accountId: string, region = REGION) {
  return { region, endpoint: local.endpoint, credentials: local.credentialsFor(accountId), retryStrategy: fastRetry() };
}

/** An Authorization header as SigV4 writes it (the emulator reads the scope and ignores the signature). */
export function authorization(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A JSON 1.x request as SDKs send it. */
export async function rawJson(
  local: LocalAws,
  request: { target: string; body?: unknown; accessKeyId?: string; region?: string; service: string; version?: '1.0' | '1.1'; rawBody?: string },
): Promise<RawAnswer & { json: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    'content-type': `application/x-amz-json-${request.version ?? '1.1'}`,
    'x-amz-target': request.target,
  };
  if (request.accessKeyId !== undefined) headers.authorization = authorization(request.accessKeyId, request.region ?? REGION, request.service);
  const response = await fetch(`${local.endpoint}/`, { method: 'POST', headers, body: request.rawBody ?? JSON.stringify(request.body ?? {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Record<string, unknown> };
}

/** A Query request as botocore / the AWS CLI send it: a form-encoded POST. */
export async function rawQuery(
  local: LocalAws,
  request: { params: Record<string, string>; accessKeyId?: string; region?: string; service: string },
): Promise<RawAnswer & { xml: XmlNode }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (request.accessKeyId !== undefined) headers.authorization = authorization(request.accessKeyId, request.region ?? REGION, request.service);
  const response = await fetch(`${local.endpoint}/`, { method: 'POST', headers, body: new URLSearchParams(request.params).toString() });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, xml: parseXml(text) };
}

// ---- A small XML reader ---------------------------------------------------------------------------------------------

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** Parses well-formed XML (elements, attributes, text, entities; no DTDs), failing on mismatched tags. */
export function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>|([^<]+)/g;
  for (const match of xml.matchAll(token)) {
    const top = stack[stack.length - 1]!;
    const [, closing, name, rawAttributes, selfClosing, text] = match;
    if (text !== undefined) {
      top.text += decodeEntities(text);
    } else if (name !== undefined && closing === '/') {
      if (top.name !== name) throw new Error(`XML: </${name}> closes <${top.name}>`);
      stack.pop();
    } else if (name !== undefined) {
      const attributes: Record<string, string> = {};
      for (const a of (rawAttributes ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) attributes[a[1]!] = decodeEntities(a[2]!);
      const node: XmlNode = { name, attributes, children: [], text: '' };
      top.children.push(node);
      if (selfClosing !== '/') stack.push(node);
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('XML: not one well-formed root element');
  return root.children[0]!;
}

/** The element at a `/`-separated path of child names, or undefined. */
export function xmlAt(node: XmlNode, path: string): XmlNode | undefined {
  let current: XmlNode | undefined = node;
  for (const name of path.split('/')) current = current?.children.find((c) => c.name === name);
  return current;
}

/** The text at a path (throws if absent, to keep assertions short). */
export function xmlText(node: XmlNode, path: string): string {
  const found = xmlAt(node, path);
  if (!found) throw new Error(`XML: no ${path} in <${node.name}>`);
  return found.text;
}

/** The `<member>` items of the list at a path. */
export function xmlMembers(node: XmlNode, path: string): XmlNode[] {
  return (xmlAt(node, path)?.children ?? []).filter((c) => c.name === 'member');
}
