import { maskSecret } from '../../src/cli/commands/webhooks';
import { runCli } from '../harness/cli';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';

interface Listed {
  webhooks: { id: string; signing_key: string }[];
}

describe('`twofold webhooks list` keeps signing keys off the terminal', () => {
  let emulator: EmulatorHarness;
  let env: NodeJS.ProcessEnv;
  let key: string;
  let id: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    env = { AUTHY_API_URL: emulator.url, AUTHY_API_KEY: '', AUTHY_ACCESS_KEY: '', AUTHY_API_SIGNING_KEY: '' };
    const registered = await runCli(
      ['webhooks', 'register', '--url', 'https://hooks.example.com/webhooks/authy', '--json'],
      env,
    );
    expect(registered.code).toBe(0);
    ({ id, signing_key: key } = (
      JSON.parse(registered.stdout) as { webhook: { id: string; signing_key: string } }
    ).webhook);
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('when listed as JSON without --show-secrets, then the signing key is masked to WSK_… and its last 4 characters', async () => {
    const listed = await runCli(['webhooks', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(key);
    const hit = (JSON.parse(listed.stdout) as Listed).webhooks.find((w) => w.id === id);
    expect(hit?.signing_key).toBe(`WSK_…${key.slice(-4)}`);
  });

  it('when listed for people, then no signing key is printed', async () => {
    const listed = await runCli(['webhooks', 'list'], env);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);
  });

  it('when listed with --show-secrets, then the full signing key is printed', async () => {
    const listed = await runCli(['webhooks', 'list', '--json', '--show-secrets'], env);
    const hit = (JSON.parse(listed.stdout) as Listed).webhooks.find((w) => w.id === id);
    expect(hit?.signing_key).toBe(key);
  });

  it('when a secret is short, then nothing of it is shown', () => {
    expect(maskSecret('WSK_abc')).toBe('WSK_…');
    expect(maskSecret('abcdefgh')).toBe('…');
  });
});
