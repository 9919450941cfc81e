import { request } from 'node:http';

/** A response as the sender sees it. */
export interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface SendOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request with full control over headers and raw body (no client-side normalisation). */
export function send(baseUrl: string, options: SendOptions): Promise<SentResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        // The raw path, unresolved: a path like `//x` must reach the server as written.
        path: options.path,
        method: options.method ?? 'POST',
        headers: {
          connection: 'close',
          // Node sends GET/DELETE/OPTIONS bodies unframed unless told the length.
          ...(options.body !== undefined && options.headers?.['transfer-encoding'] === undefined
            ? { 'content-length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs a JSON body. */
export function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return send(baseUrl, {
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Asserts a gateway error answer: `status`, and a body of exactly `{ error: { code, message } }`. */
export function expectErrorResponse(response: SentResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  const body = response.json as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error?.code).toBe(code);
  expect(typeof body.error?.message).toBe('string');
}
