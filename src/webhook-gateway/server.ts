import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';

const codes: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request took too long'],
};

/**
 * Answers requests Node's HTTP parser refuses (malformed framing, oversized headers, timeouts) with
 * the gateway's JSON error body instead of an empty 400, then closes the connection.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = codes[error.code ?? ''] ?? [400, 'Bad Request', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code: 'bad_request', message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const closing = new WeakSet<Server>();

/** Limits of one listener's HTTP server; each has a default (docs/gateway.md, "Hostile input"). */
export interface GatewayServerOptions {
  /** Open connections at most; further ones are closed at once (default 512). */
  maxConnections?: number;
  /** Whole request, body included, must arrive within this (default 15 s). */
  requestTimeoutMs?: number;
  /** Request headers must arrive within this (default 10 s). */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
  /**
   * Requests one keep-alive connection may carry (default 1,000; 0: no limit). At the limit the
   * answer says `Connection: close`, and Node answers 503 to anything a client still sends on it.
   */
  maxRequestsPerSocket?: number;
}

/** Defaults of {@link GatewayServerOptions}: Twilio gives up on a webhook after 15 s anyway. */
export const DEFAULT_SERVER_OPTIONS: Required<GatewayServerOptions> = {
  maxConnections: 512,
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1_000,
};

/**
 * The gateway's HTTP server around a Koa app: a connection cap, timeouts enforced every second
 * (Node checks them only every 30 s by default), and JSON answers to protocol errors.
 */
export function createGatewayServer(app: Koa, options: GatewayServerOptions = {}): Server {
  const limits = { ...DEFAULT_SERVER_OPTIONS, ...options };
  const handle = app.callback();
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      // While shutting down, every answer closes its connection so the server can finish.
      if (closing.has(server)) res.shouldKeepAlive = false;
      void handle(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.on('clientError', answerClientError);
  return server;
}

/**
 * Stops accepting connections and resolves once every in-flight request has been answered. Idle
 * keep-alive connections are closed as they become idle; after `graceMs` the rest are cut.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  closing.add(server);
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
