/**
 * Request bodies are limited after decompression too: a small gzip body that inflates to gigabytes is refused with a
 * 413 once the limit is reached, and the rest of it is neither read nor inflated.
 */
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { readBody } from '../../devtools/local-aws/body';
import { ACCOUNT_ID, REGION, compliantWorld } from '../support/world';
import { authorization, useLocalAws } from './helpers';

const serve = useLocalAws();
const MIB = 1024 * 1024;

/** A JSON body of `size` bytes that compresses about a thousandfold. */
function hugeJson(size: number): Buffer {
  return Buffer.from(`{"logGroupNamePrefix":"${'a'.repeat(size)}"}`);
}

describe('the local AWS', () => {
  it('answers 413 to a gzip body that inflates past the limit (10 MiB)', async () => {
    const local = await serve(compliantWorld());
    const compressed = gzipSync(hugeJson(40 * MIB));
    expect(compressed.length).toBeLessThan(MIB / 4);
    const response = await fetch(`${local.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'content-encoding': 'gzip',
        'x-amz-target': 'Logs_20140328.DescribeLogGroups',
        authorization: authorization(`AKIA${ACCOUNT_ID}TEST`, REGION, 'logs'),
      },
      body: compressed,
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe(`local-aws: request bodies are limited to ${10 * MIB} bytes, after decompression too`);
    expect(local.log).toEqual([]);
  });

  it('still serves a gzip body within the limit, and says what is wrong with a broken or unknown coding', async () => {
    const local = await serve(compliantWorld());
    const call = (encoding: string, body: Buffer) =>
      fetch(`${local.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'content-encoding': encoding,
          'x-amz-target': 'Logs_20140328.DescribeLogGroups',
          authorization: authorization(`AKIA${ACCOUNT_ID}TEST`, REGION, 'logs'),
        },
        body,
      });
    const ok = await call('gzip', gzipSync('{"logGroupNamePrefix":"aws-"}'));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { logGroups: unknown[] }).logGroups).toHaveLength(1);

    const broken = await call('gzip', Buffer.from('{"not":"gzip"}'));
    expect([broken.status, await broken.text()]).toEqual([400, 'local-aws: the request body is not valid gzip: incorrect header check']);
    const brotli = await call('br', Buffer.from('{}'));
    expect([brotli.status, await brotli.text()]).toEqual([415, "local-aws: Content-Encoding 'br' is not supported; send gzip or none"]);
  });
});

describe('readBody', () => {
  it('stops inflating a gzip bomb at the limit: it reads a small fraction of it', async () => {
    const bomb = 1024 * MIB;
    let inflated = 0;
    const zeros = Readable.from(
      (function* () {
        const chunk = Buffer.alloc(MIB);
        while (inflated < bomb) {
          inflated += chunk.length;
          yield chunk;
        }
      })(),
    );
    const outcome = await readBody(zeros.pipe(createGzip()), 'gzip', MIB);
    expect(outcome).toEqual({ ok: false, status: 413, message: `local-aws: request bodies are limited to ${MIB} bytes, after decompression too` });
    // What was produced of the bomb before reading stopped: the limit plus the streams' buffers, not the gigabyte.
    expect(inflated / bomb).toBeLessThan(0.05);
  });

  it('counts the bytes received without decompression too', async () => {
    expect(await readBody(Readable.from([Buffer.alloc(MIB), Buffer.alloc(1)]), undefined, MIB)).toMatchObject({ ok: false, status: 413 });
    expect(await readBody(Readable.from([Buffer.from('{}')]), 'identity', MIB)).toEqual({ ok: true, text: '{}' });
  });
});
