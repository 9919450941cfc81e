import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got. */
export interface Received {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (Date.now()). */
  at: number;
}

/** A tiny HTTP server that records what arrives, to capture webhook deliveries and OneTouch callbacks. */
export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/**
 * Starts a receiver on a free port. `answer(n)` gives the status of the n-th request (1-based),
 * `delayMs(n)` how long to wait before answering (to simulate a slow receiver).
 */
export async function startReceiver(
  options: { answer?: (n: number) => number; delayMs?: (n: number) => number } = {},
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const n = received.length;
      const reply = () => {
        res.statusCode = options.answer?.(n) ?? 200;
        res.end('ok');
      };
      const delay = options.delayMs?.(n) ?? 0;
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
