import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { isLoopbackHost } from '../shared/loopback';
import { createCodecServerApp } from './codec-server-app';
import { AesGcmPayloadCodec } from './payload-codec';

/** Raised when the codec server must not start as configured. */
export class CodecServerRefusedError extends Error {
  override name = 'CodecServerRefusedError';
}

/** Where and how the codec server listens. */
export interface CodecServerOptions {
  host: string;
  /** Default `config.codec.port` (CODEC_PORT); 0 picks a free port. */
  port?: number;
}

/** A listening codec server. */
export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Why the codec server must not listen on `host`, or undefined when it may: beyond loopback, anyone
 * who reaches it could decrypt every payload, so a bearer token (TWOFOLD_CODEC_TOKEN) is required.
 */
export function codecServerRefusal(host: string, token: string | undefined): string | undefined {
  if (token !== undefined || isLoopbackHost(host)) return undefined;
  return `refusing to listen on ${host} without TWOFOLD_CODEC_TOKEN: beyond loopback anyone who reaches the codec server could decrypt every payload`;
}

/**
 * Starts the codec server (`twofold codec-server`) with the configured keyring, token and Web UI
 * origins. Resolves once it listens.
 */
export async function startCodecServer(
  config: Config,
  log: Logger,
  options: CodecServerOptions,
): Promise<RunningCodecServer> {
  const refusal = codecServerRefusal(options.host, config.codec.token);
  if (refusal) throw new CodecServerRefusedError(refusal);
  const codec = new AesGcmPayloadCodec(config.temporal.payloadKeys);
  const app = createCodecServerApp({
    codec,
    corsOrigins: config.codec.corsOrigins,
    log,
    ...(config.codec.token === undefined ? {} : { token: config.codec.token }),
  });
  const handle = app.callback();
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.codec.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  log.info(
    {
      url,
      keyIds: codec.keyIds,
      encryptsWith: codec.keyIds[0],
      corsOrigins: config.codec.corsOrigins,
      auth: config.codec.token === undefined ? 'none (loopback only)' : 'bearer token required',
    },
    'codec server listening',
  );
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** Runs the codec server until SIGINT/SIGTERM, then closes it. */
export async function runCodecServer(
  config: Config,
  log: Logger,
  options: CodecServerOptions,
): Promise<void> {
  const running = await startCodecServer(config, log, options);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  log.info('codec server stopped');
}
