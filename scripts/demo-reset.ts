// Run by `make demo` before it starts its worker: cancels the open onboardings left by earlier demo
// runs (user ids `demo-…` on TEMPORAL_TASK_QUEUE). Their people lived in an emulator that is gone, so
// left alone they would poll it, find no such user and end `failed`; cancelled, they end `cancelled`
// as soon as the new worker picks them up. Usage: tsx scripts/demo-reset.ts [idPrefix]
import { loadConfig } from '../src/config';
import { cancelOpenSimulations } from '../src/simulation/cancel-previous';
import { connectClient } from '../src/temporal/connection';

async function main(): Promise<void> {
  const config = loadConfig();
  const idPrefix = process.argv[2] ?? 'demo';
  const client = await connectClient(config.temporal);
  try {
    const cancelled = await cancelOpenSimulations(client, { taskQueue: config.temporal.taskQueue, idPrefix });
    console.log(
      cancelled === 0
        ? 'no open onboardings of earlier demo runs'
        : `cancelled ${cancelled} open onboarding(s) of earlier demo runs`,
    );
  } finally {
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
