import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Context, Next } from 'koa';
import { createAuthyEmulator } from '../authy-emulator';
import type { AuthyEmulatorOptions, RetryPolicy } from '../authy-emulator';

/** One request the emulator answered, as written to its journal (one JSON line each). */
export interface JournalEntry {
  /** Epoch ms the request arrived: the emulator's clock while it is replayed. */
  t: number;
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How to start a {@link startDurableEmulator}. */
export interface DurableEmulatorOptions {
  /** Append-only journal; replayed at start when it exists. */
  journalPath: string;
  port: number;
  /** Must stay the same across restarts: ids, uuids and signing keys are drawn from it. */
  seed: number;
  oneTouchCallbackUrl?: string;
  webhookRetry?: Partial<RetryPolicy>;
}

/** A listening durable emulator. */
export interface DurableEmulator {
  url: string;
  /** Requests replayed from the journal at start. */
  replayed: number;
  close(): Promise<void>;
}

// Headers a replayed request needs to be answered as it was: the host (signed Webhooks API URLs),
// the body's type, and the Authy / Twilio credentials and signatures.
const KEPT_HEADERS = /^(host|content-type|authorization|x-authy-.*|x-twilio-.*)$/;

/**
 * The Authy emulator with a write-ahead journal, so a SIGKILL does not make it forget its users,
 * approval requests and webhooks (Twilio does not forget them either). Every request that can change
 * its state (all but the control API's reads) is appended to the journal after it is handled and
 * before its answer is sent, so an answered request is always in the journal, and one whose answer
 * never left died with the process, as if it had not arrived. At start the journal is replayed into
 * a fresh emulator with the same seed, its clock set to each request's arrival time, and with every
 * webhook delivery and OneTouch callback dropped (they were sent, or lost with the process, the first
 * time); then it listens on `port`. Its request log (`GET /_emulator/requests`) is rebuilt by the
 * replay, so it counts the requests of every life of the process.
 */
export async function startDurableEmulator(options: DurableEmulatorOptions): Promise<DurableEmulator> {
  let replayClock: number | undefined;
  let replaying = true;
  const now = () => replayClock ?? Date.now();
  const emulatorOptions: AuthyEmulatorOptions = {
    seed: options.seed,
    now,
    ...(options.oneTouchCallbackUrl ? { oneTouchCallbackUrl: options.oneTouchCallbackUrl } : {}),
    ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
  };
  const emulator = createAuthyEmulator(emulatorOptions);
  emulator.app.middleware.unshift(async (ctx: Context, next: Next) => {
    // One reading for the journal and the request log, so a replay restores the log's times exactly.
    const arrived = now();
    (ctx.state as { arrivedAt?: number }).arrivedAt = arrived;
    await next();
    if (replaying || (ctx.method === 'GET' && ctx.path.startsWith('/_emulator'))) return;
    const raw = (ctx.request as { rawBody?: unknown }).rawBody;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.headers)) {
      if (typeof value === 'string' && KEPT_HEADERS.test(name)) headers[name] = value;
    }
    const entry: JournalEntry = {
      t: arrived,
      method: ctx.method,
      url: ctx.url,
      headers,
      body: typeof raw === 'string' ? raw : '',
    };
    appendFileSync(options.journalPath, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  });

  const entries = readJournal(options.journalPath);
  const replayListener = await emulator.listen(0, '127.0.0.1');
  const control = { host: '127.0.0.1', port: Number(new URL(replayListener.url).port) };
  try {
    const dropAll = { dropRate: 1 };
    await expectOk(
      'drop deliveries during the replay',
      send(control, {
        t: Date.now(),
        method: 'POST',
        url: '/_emulator/faults',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ webhookDeliveries: dropAll, oneTouchCallbacks: dropAll }),
      }),
    );
    for (const entry of entries) {
      replayClock = entry.t;
      await send(control, entry);
    }
    replayClock = undefined;
    await expectOk(
      'clear the replay faults',
      send(control, { t: Date.now(), method: 'DELETE', url: '/_emulator/faults', headers: {}, body: '' }),
    );
  } finally {
    replayClock = undefined;
    await replayListener.close();
  }
  replaying = false;
  const { url } = await emulator.listen(options.port, '127.0.0.1');
  return { url, replayed: entries.length, close: () => emulator.close() };
}

/** The journal's entries; a torn last line (the process died while writing it) is ignored. */
export function readJournal(journalPath: string): JournalEntry[] {
  if (!existsSync(journalPath)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      break;
    }
  }
  return entries;
}

async function expectOk(what: string, answer: Promise<number>): Promise<void> {
  const status = await answer;
  if (status < 200 || status >= 300)
    throw new Error(`could not ${what}: the emulator answered HTTP ${status}`);
}

/** Sends one request to the emulator at `target` and waits for its whole answer. */
function send(target: { host: string; port: number }, entry: JournalEntry): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(entry.body, 'utf8');
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: entry.method,
        path: entry.url,
        headers: { ...entry.headers, 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
