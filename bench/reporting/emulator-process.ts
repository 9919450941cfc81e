// The Authy emulator in its own process for the reporting benchmark: the API is remote in
// production, so its CPU must not compete with the sync's event loop. Prints `{"url": ...}` once
// listening; stops on SIGTERM.
import { createAuthyEmulator } from '../../src/authy-emulator';

const emulator = createAuthyEmulator({ seed: Number(process.argv[2] ?? 1) });
void emulator.listen(0).then(({ url }) => {
  process.stdout.write(JSON.stringify({ url }) + '\n');
});
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
