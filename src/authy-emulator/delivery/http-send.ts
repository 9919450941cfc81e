import http from 'node:http';
import https from 'node:https';

/** One outgoing HTTP request of a delivery. */
export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Sends a request on a fresh connection (no keep-alive pool that could outlive close()) and
 * resolves with the status code; rejects on network errors, timeout or abort.
 */
export function sendHttp(request: OutgoingRequest, timeoutMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const transport = url.protocol === 'https:' ? https : http;
    const body = request.body ?? '';
    const req = transport.request(
      url,
      {
        method: request.method,
        headers: {
          ...request.headers,
          connection: 'close',
          ...(request.method === 'POST' ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
        agent: false,
        signal,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.method === 'POST' ? body : undefined);
  });
}
