import { parseArgs } from 'node:util';
import { startDurableEmulator } from './durable-emulator';

/**
 * Process entry of the chaos suite's emulator (see {@link startDurableEmulator}): the Authy emulator
 * with a journal, so the suite can SIGKILL it and start it again with its state. Runs until
 * SIGINT/SIGTERM. Usage: `node --require tsx/cjs durable-emulator-main.ts --journal F --port N --seed S
 * [--callback URL] [--retry-max-delay MS]`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      journal: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      callback: { type: 'string' },
      'retry-max-delay': { type: 'string' },
    },
  });
  if (!values.journal || !values.port || !values.seed)
    throw new Error('--journal, --port and --seed are required');
  const maxDelayMs = values['retry-max-delay'] === undefined ? undefined : Number(values['retry-max-delay']);
  const emulator = await startDurableEmulator({
    journalPath: values.journal,
    port: Number(values.port),
    seed: Number(values.seed),
    ...(values.callback ? { oneTouchCallbackUrl: values.callback } : {}),
    ...(maxDelayMs === undefined
      ? {}
      : { webhookRetry: { initialDelayMs: Math.min(500, maxDelayMs), maxDelayMs, maxAttempts: 100 } }),
  });
  console.log(`durable Authy emulator listening on ${emulator.url} (${emulator.replayed} requests replayed)`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
