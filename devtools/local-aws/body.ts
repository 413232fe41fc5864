/**
 * Reading a request body within a size limit that holds after decompression too: a few hundred kilobytes of gzip
 * can inflate to gigabytes, so the body is decompressed as a stream, counted as it comes, and reading stops at the
 * limit (the rest of the request is neither read nor inflated).
 */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type BodyOutcome = { ok: true; text: string } | { ok: false; status: 400 | 413 | 415; message: string };

/** `identity` (or no header) and `gzip`, the only codings SDKs send (SDK v3 and botocore `requestCompression`). */
const GZIP = new Set(['gzip', 'x-gzip']);

/**
 * The body as text, or why it cannot be read. `limit` bounds both the bytes received and the bytes they
 * decompress to. On failure the source is paused, not destroyed, so that the caller can still answer on its socket.
 */
export function readBody(source: Readable, contentEncoding: string | undefined, limit: number): Promise<BodyOutcome> {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity' && !GZIP.has(coding)) {
    return Promise.resolve({ ok: false, status: 415, message: `local-aws: Content-Encoding '${contentEncoding}' is not supported; send gzip or none` });
  }
  const tooLarge: BodyOutcome = {
    ok: false,
    status: 413,
    message: `local-aws: request bodies are limited to ${limit} bytes${coding === 'identity' ? '' : ', after decompression too'}`,
  };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let kept = 0;
    let settled = false;
    const gunzip = GZIP.has(coding) ? createGunzip() : undefined;

    const finish = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      source.off('data', onData).off('end', onEnd).off('error', onError);
      source.pause();
      gunzip?.destroy();
      resolve(outcome);
    };
    const done = () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    const keep = (chunk: Buffer) => {
      kept += chunk.length;
      if (kept > limit) finish(tooLarge);
      else chunks.push(chunk);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(tooLarge);
      if (!gunzip) return keep(chunk);
      // Backpressure: inflate one chunk at a time, so a stop at the limit leaves the rest unread.
      if (!gunzip.write(chunk)) {
        source.pause();
        gunzip.once('drain', () => {
          if (!settled) source.resume();
        });
      }
    };
    const onEnd = () => (gunzip ? gunzip.end() : done());
    const onError = (error: Error) => finish({ ok: false, status: 400, message: `local-aws: the request body could not be read: ${error.message}` });

    gunzip
      ?.on('data', keep)
      .on('end', done)
      .on('error', (error) => finish({ ok: false, status: 400, message: `local-aws: the request body is not valid gzip: ${error.message}` }));
    source.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
