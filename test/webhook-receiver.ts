/** A real HTTP server on an ephemeral port that records webhook deliveries and answers as a test tells it. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** Answers a delivery with a status, or 'hang' to never answer (timeouts). `n` counts requests from 0. */
export type Responder = (req: Received, n: number) => number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  respond: Responder;
  close: () => Promise<void>;
}

export async function startReceiver(respond: Responder = () => 200): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], respond, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { headers: req.headers, body, json: JSON.parse(body) };
      const status = receiver.respond(r, receiver.received.length);
      receiver.received.push(r);
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return receiver;
}

/** What a receiver does (docs/webhooks.md), written apart from the sender's code: HMAC-SHA256 over "timestamp.body". */
export function verifySignature(r: Received, secret: string): boolean {
  const timestamp = r.headers['audience-webhook-timestamp'];
  const header = r.headers['audience-webhook-signature'];
  if (typeof timestamp !== 'string' || typeof header !== 'string' || !header.startsWith('v1=')) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest();
  const given = Buffer.from(header.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
