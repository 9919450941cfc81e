import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startCodecServer } from '../../src/temporal/codec-server';
import type { RunningCodecServer } from '../../src/temporal/codec-server';
import { connectClient } from '../../src/temporal/connection';
import { launchChromium } from '../dashboard/support/browser';
import { unusedPort } from '../harness/ports';
import { waitFor } from '../harness/wait-for';
import { stackPaths } from './support/processes';

// What `make up` sets up for the local Web UI, on a dev server of this test's own (in memory, free
// ports): the server started with --ui-codec-endpoint, the codec server, and an onboarding whose input
// Temporal holds only encrypted. The Web UI, in headless Chromium, must show the input decoded.
describe('the local Web UI with the codec server (make up)', () => {
  let server: ChildProcess;
  let codec: RunningCodecServer;
  let client: Client;
  let browser: Browser;
  let uiUrl: string;
  let grpcAddress: string;
  const KEYS = `ui-key:${randomBytes(32).toString('base64')}`;

  beforeAll(async () => {
    const [grpcPort, uiPort] = [await unusedPort(), await unusedPort()];
    grpcAddress = `127.0.0.1:${grpcPort}`;
    uiUrl = `http://127.0.0.1:${uiPort}`;
    const config = loadConfig({
      TEMPORAL_ADDRESS: grpcAddress,
      TEMPORAL_UI_PORT: String(uiPort),
      TWOFOLD_PAYLOAD_KEYS: KEYS,
    });
    codec = await startCodecServer(config, createLogger('silent'), { host: '127.0.0.1', port: 0 });
    server = spawn(
      stackPaths().temporalBin,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(grpcPort),
        '--ui-port',
        String(uiPort),
        '--ui-codec-endpoint',
        codec.url,
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    client = await waitFor(
      () => connectClient(config.temporal),
      () => true,
      { timeoutMs: 60_000, what: `the dev server on ${grpcAddress}` },
    );
    await waitFor(
      () => fetch(uiUrl).then((r) => r.ok),
      (ok) => ok,
      { timeoutMs: 60_000, what: 'the Web UI' },
    );
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await client?.connection.close();
    await codec?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('when an onboarding is opened in the Web UI, then its encrypted input is shown decoded', async () => {
    const email = `ui-${randomBytes(4).toString('hex')}@example.com`;
    // No worker: the start alone stores the input in the run's history.
    const handle = await client.workflow.start('onboardUser', {
      workflowId: `onboarding-ui-${randomBytes(4).toString('hex')}`,
      taskQueue: 'no-worker',
      args: [{ userId: 'ui-user', email, countryCode: '1', cellphone: '5558009999' }],
    });
    const history = await handle.fetchHistory();
    const stored = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(stored.data!).includes(email)).toBe(false);

    const page = await browser.newPage();
    try {
      await page.goto(
        `${uiUrl}/namespaces/default/workflows/${handle.workflowId}/${handle.firstExecutionRunId}/history`,
      );
      await page.getByText(email).first().waitFor({ timeout: 45_000 });
      expect(await page.locator('body').innerText()).toContain('5558009999');
    } finally {
      await page.close();
      await handle.terminate('test done');
    }
  });
});
