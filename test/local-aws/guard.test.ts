/**
 * The local AWS listens on 127.0.0.1, which any web page the developer opens can also reach: it must refuse what a
 * browser sends (a form post, a DNS-rebound page, a cross-site read of its state) and keep serving real clients.
 * Real clients (SDK v3, botocore, the AWS CLI) are exercised by every other local-aws, e2e and remediation-e2e test.
 */
import { request } from 'node:http';
import type { LocalAws } from '../../devtools/local-aws/server';
import { ACCOUNT_ID, REGION, compliantWorld } from '../support/world';
import { authorization, parseXml, useLocalAws, xmlText } from './helpers';

const serve = useLocalAws();

interface Sent {
  status: number;
  contentType: string;
  text: string;
}

/** A request with exactly these headers (fetch would add its own), as a browser or a client sends it. */
function send(local: LocalAws, options: { method?: string; path?: string; headers: Record<string, string>; body?: string }): Promise<Sent> {
  const url = new URL(local.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'POST', path: options.path ?? '/', headers: options.headers, setHost: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text }));
      },
    );
    req.on('error', reject).end(options.body);
  });
}

const port = (local: LocalAws) => new URL(local.endpoint).port;
const CREATE_TOPIC = new URLSearchParams({ Action: 'CreateTopic', Version: '2010-03-31', Name: 'planted' }).toString();
const FORM = 'application/x-www-form-urlencoded';

function topicsOf(local: LocalAws): string[] {
  return local.world.accounts.flatMap((a) => a.topics.map((t) => t.topicArn));
}

describe('requests a web page can send are refused with a 403 that says why', () => {
  it('a form post under a DNS-rebound host name (Host: the attacker name) creates nothing', async () => {
    const local = await serve(compliantWorld());
    const before = topicsOf(local);
    // Even with a credential scope: the page cannot add one, but the Host alone must be enough to refuse.
    const answer = await send(local, {
      headers: { host: `rebind.attacker.example:${port(local)}`, 'content-type': FORM, authorization: authorization(`AKIA${ACCOUNT_ID}TEST`, REGION, 'sns') },
      body: CREATE_TOPIC,
    });
    expect(answer.status).toBe(403);
    const xml = parseXml(answer.text);
    expect(xmlText(xml, 'Error/Code')).toBe('RequestRefused');
    expect(xmlText(xml, 'Error/Message')).toContain(`Host 'rebind.attacker.example:${port(local)}' refused; use http://127.0.0.1:${port(local)}`);
    expect(topicsOf(local)).toEqual(before);
    expect(local.log).toEqual([]);
  });

  it('a cross-site form post from a current browser (Origin, Sec-Fetch-*) creates nothing', async () => {
    const local = await serve(compliantWorld());
    const before = topicsOf(local);
    const browser = {
      host: `127.0.0.1:${port(local)}`,
      'content-type': FORM,
      origin: 'https://attacker.example',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    };
    const withOrigin = await send(local, { headers: browser, body: CREATE_TOPIC });
    expect([withOrigin.status, xmlText(parseXml(withOrigin.text), 'Error/Message')]).toEqual([
      403,
      "local-aws: a request from a web page (Origin 'https://attacker.example') refused; AWS SDKs and the AWS CLI send no Origin",
    ]);
    // A top-level form submission from a page whose Origin the browser hides ('null' is still an Origin) or a GET.
    const { origin: _origin, ...withoutOrigin } = browser;
    const fetchMetadataOnly = await send(local, { headers: withoutOrigin, body: CREATE_TOPIC });
    expect(fetchMetadataOnly.status).toBe(403);
    expect(xmlText(parseXml(fetchMetadataOnly.text), 'Error/Message')).toContain('a request from a web browser (sec-fetch-site: cross-site) refused');
    expect(topicsOf(local)).toEqual(before);
  });

  it('an unsigned form post or GET (what an older browser sends without Origin or Sec-Fetch-*) creates nothing', async () => {
    const local = await serve(compliantWorld());
    const before = topicsOf(local);
    const post = await send(local, { headers: { host: `localhost:${port(local)}`, 'content-type': FORM }, body: CREATE_TOPIC });
    expect(post.status).toBe(403);
    expect(xmlText(parseXml(post.text), 'Error/Code')).toBe('MissingAuthenticationToken');
    expect(xmlText(parseXml(post.text), 'Error/Message')).toContain('an AWS call needs a SigV4 Authorization header');
    // An <img src> GET, even with a presigned-looking credential in the query string.
    const credential = encodeURIComponent(`AKIA${ACCOUNT_ID}TEST/20250101/${REGION}/sns/aws4_request`);
    const get = await send(local, {
      method: 'GET',
      path: `/?${CREATE_TOPIC}&X-Amz-Credential=${credential}&X-Amz-Signature=00`,
      headers: { host: `127.0.0.1:${port(local)}` },
    });
    expect([get.status, xmlText(parseXml(get.text), 'Error/Code')]).toEqual([403, 'MissingAuthenticationToken']);
    expect(topicsOf(local)).toEqual(before);
    expect(local.log).toEqual([]);
  });

  it('a rebound JSON call is answered as AWS JSON, so the SDK shows the message', async () => {
    const local = await serve(compliantWorld());
    const answer = await send(local, {
      headers: {
        host: `attacker.example:${port(local)}`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CloudTrail_20131101.DescribeTrails',
        authorization: authorization(`AKIA${ACCOUNT_ID}TEST`, REGION, 'cloudtrail'),
      },
      body: '{}',
    });
    expect([answer.status, answer.contentType]).toEqual([403, 'application/x-amz-json-1.1']);
    expect(JSON.parse(answer.text)).toMatchObject({ __type: 'RequestRefused', message: expect.stringContaining("Host 'attacker.example:") });
  });
});

describe("the emulator's own state and log pages", () => {
  it('are served to curl under each local name of the endpoint, not to a rebound or cross-site page', async () => {
    const local = await serve(compliantWorld());
    const read = (headers: Record<string, string>) => send(local, { method: 'GET', path: '/_local-aws/state', headers });
    for (const host of [`127.0.0.1:${port(local)}`, `localhost:${port(local)}`, `[::1]:${port(local)}`, `LOCALHOST:${port(local)}`]) {
      const curl = await read({ host, 'user-agent': 'curl/8', accept: '*/*' });
      expect([host, curl.status]).toEqual([host, 200]);
      expect(JSON.parse(curl.text)).toMatchObject({ accounts: [{ accountId: ACCOUNT_ID }] });
    }
    const rebound = await read({ host: `attacker.example:${port(local)}` });
    const otherPort = await read({ host: `127.0.0.1:${Number(port(local)) + 1}` });
    const crossSite = await read({ host: `127.0.0.1:${port(local)}`, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
    for (const refused of [rebound, otherPort, crossSite]) {
      expect([refused.status, refused.contentType]).toEqual([403, 'text/plain']);
      expect(refused.text).toMatch(/^RequestRefused: local-aws: /);
      expect(refused.text).not.toContain(ACCOUNT_ID);
    }
  });
});
