import { Readable } from 'node:stream';

/**
 * Reads the first `bytes` of a stream (to sniff a format or a delimiter) and gives back a stream that
 * still yields everything, head included, so nothing is read twice or held whole in memory.
 */
export async function peek(input: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const it: AsyncIterator<Buffer> = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < bytes) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (ended) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return?.();
    }
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}
