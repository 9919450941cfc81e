import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAuthyHttp } from '../../src/authy/http';
import { createDashboardRouter } from '../../src/dashboard';
import { createLogger } from '../../src/logger';
import { createAdminApp } from '../../src/webhook-gateway/admin-app';
import { createGatewayMetrics } from '../../src/webhook-gateway/metrics';
import { createGatewayServer } from '../../src/webhook-gateway/server';
import { createWorkflowSignaller } from '../../src/webhook-gateway/workflow-signaller';
import type { syncReportingEvents } from '../../src/workflows/reporting/sync-reporting-events';
import { startEmulator } from '../harness/emulator';
import { runOnboardingHarness } from '../harness/onboarding';
import type { OnboardingHarness } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';
import { launchChromium } from './support/browser';
import { runCohort } from './support/cohort';
import type { CohortResult } from './support/cohort';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';

const DAY_MS = 24 * 60 * 60 * 1000;
const UI = 'http://127.0.0.1:8233';
/** The admin listener's bearer token: the browser sends it on every request, as an auth proxy would. */
const ADMIN_TOKEN = `test-admin-token-${randomUUID()}`;
const PERIOD_DAYS = 21;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const parseCount = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));
const en = (n: number) => n.toLocaleString('en-US');

/**
 * The page, end to end: a simulated cohort on a real worker, a reporting sync of the emulator's
 * history into a database of this file's own, the gateway's admin listener serving the dashboard
 * behind its bearer token, and headless Chromium reading what each panel shows and comparing it
 * with what PostgreSQL holds.
 */
describe('the dashboard page in a browser', () => {
  let db: IsolatedDatabase;
  /** The worker recording into `db`, with its Temporal connection and emulator. */
  let h: OnboardingHarness;
  let server: Server;
  let url: string;
  let browser: Browser;
  let cohort: CohortResult;
  let screenshotDir: string;
  const taskQueue = `dashboard-page-${randomUUID()}`;
  const periodTo = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
  const periodFrom = periodTo - PERIOD_DAYS * DAY_MS;
  const pageUrl = () => `${url}/dashboard?from=${day(periodFrom)}&to=${day(periodTo)}&olderThan=0s`;

  beforeAll(async () => {
    db = await createIsolatedDatabase('dash');
    const temporal = await connectTemporal();
    const emulator = await startEmulator({ seed: 20_260_301 });
    const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 });
    const worker = await temporal.createWorker(taskQueue, { pool: db.pool, authyHttp });
    h = runOnboardingHarness(
      { temporal, emulator, pool: db.pool, worker, taskQueue },
      { stageTimeoutMs: 20_000, ownsPool: false },
    );

    // Three weeks of synthetic Authy history, then today's cohort on top of it.
    await emulator.control('POST', '/reporting/seed', {
      count: 2_400,
      from: new Date(periodFrom + 60_000).toISOString(),
      to: new Date(Date.now() - 60 * 60_000).toISOString(),
    });
    cohort = await runCohort(
      { client: temporal.client, taskQueue, emulator },
      { approve: 5, deny: 1, ignorePush: 1, neverInstall: 2, cancel: 1 },
    );
    await emulator.control('POST', `/users/${cohort.approve[0]!.authyId}/phone`, {
      countryCode: '1',
      cellphone: `555${String(Date.now()).slice(-7)}`,
    });
    // A reporting sync (backfill of the period up to now) brings the events into PostgreSQL.
    const window = { from: new Date(periodFrom).toISOString(), to: new Date().toISOString() };
    await temporal.client.workflow.execute<typeof syncReportingEvents>('syncReportingEvents', {
      taskQueue,
      workflowId: `dashboard-page-sync-${randomUUID()}`,
      args: [{ window }],
    });

    const log = createLogger('warn', 'dashboard-page-test');
    const client = temporal.client;
    const app = createAdminApp({
      log,
      access: { token: ADMIN_TOKEN },
      readiness: { pool: db.pool, signaller: createWorkflowSignaller(() => Promise.resolve(client)) },
      metrics: createGatewayMetrics({ defaultMetrics: false }),
      dashboard: createDashboardRouter({
        pool: db.pool,
        log,
        temporal: () => Promise.resolve(client),
        uiUrl: UI,
        namespace: temporal.namespace,
        taskQueue,
      }),
    });
    server = createGatewayServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    screenshotDir = mkdtempSync(path.join(os.tmpdir(), 'twofold-dashboard-'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    const open = cohort ? [...cohort.ignorePush, ...cohort.neverInstall] : [];
    await Promise.all(open.map((m) => m.handle.terminate('dashboard page test done').catch(() => undefined)));
    await h?.close();
    await db?.drop();
    if (screenshotDir) rmSync(screenshotDir, { recursive: true, force: true });
  });

  async function openPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({
      viewport,
      locale: 'en-US',
      timezoneId: 'UTC',
      extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(pageUrl());
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    expect(problems).toEqual([]);
    return page;
  }

  /** What PostgreSQL holds per (event, status, UTC day) in the period, counted independently of the app. */
  async function storedCounts(): Promise<Map<string, number>> {
    const { rows } = await db.pool.query<{ event: string; status: string; day: string; n: number }>(
      `select event, coalesce(status, '') as status,
              to_char((occurred_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, count(*)::int as n
         from reporting_events where occurred_at >= $1 and occurred_at < $2
        group by 1, 2, 3`,
      [new Date(periodFrom), new Date(periodTo)],
    );
    return new Map(rows.map((r) => [`${r.event}|${r.status}|${r.day}`, r.n]));
  }

  function expected(counts: Map<string, number>, event: string, status?: string): Map<string, number> {
    const byDay = new Map<string, number>();
    for (const [key, n] of counts) {
      const [e, s, d] = key.split('|') as [string, string, string];
      if (e !== event || (status !== undefined && s !== status)) continue;
      byDay.set(d, (byDay.get(d) ?? 0) + n);
    }
    return byDay;
  }

  async function drawn(page: Page, panel: string, series: string): Promise<Map<string, number>> {
    const values = new Map<string, number>();
    for (const mark of await page.locator(`#${panel} [data-series="${series}"][data-day]`).all()) {
      values.set((await mark.getAttribute('data-day'))!, Number(await mark.getAttribute('data-value')));
    }
    return values;
  }

  /** Each matching element's attributes (and text, under `text`), read through the page. */
  async function read(page: Page, selector: string, attributes: string[], text?: string) {
    const found: Record<string, string | null>[] = [];
    for (const item of await page.locator(selector).all()) {
      const entry: Record<string, string | null> = {};
      for (const name of attributes) entry[name] = await item.getAttribute(name);
      if (text !== undefined) entry.text = await item.locator(text).first().textContent();
      found.push(entry);
    }
    return found;
  }

  const total = (byDay: Map<string, number>) => [...byDay.values()].reduce((a, b) => a + b, 0);

  it('when the page or its API is asked for without the admin token, then 401 and none of the data', async () => {
    for (const target of [pageUrl(), `${url}/dashboard/api/stuck?olderThan=0s`]) {
      const response = await fetch(target);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toEqual({
        error: { code: 'unauthorized', message: 'authentication required' },
      });
    }
  });

  it('when the cohort and the sync are in, then every chart shows per day exactly what PostgreSQL holds, with the totals', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const counts = await storedCounts();
    const panels: [panel: string, series: string, event: string, status?: string][] = [
      ['registrations', 'registrations', 'device_registration_completed'],
      ['onetouch', 'approved', 'one_touch_request_responded', 'approved'],
      ['onetouch', 'denied', 'one_touch_request_responded', 'denied'],
      ['phone-changes', 'phoneChanges', 'user_phone_changed'],
    ];
    for (const [panel, series, event, status] of panels) {
      const want = expected(counts, event, status);
      expect(total(want)).toBeGreaterThan(0); // the data under test exists
      expect(await drawn(page, panel, series)).toEqual(want);
      const shownTotal = await page.textContent(`#${panel} [data-total="${series}"]`);
      expect(parseCount(shownTotal)).toBe(total(want));
    }
    // Today's cohort is in the charts: 7 installs and 5 + 1 answers happened today.
    const today = day(Date.now());
    expect(expected(counts, 'device_registration_completed').get(today)).toBeGreaterThanOrEqual(7);

    // No recovery event exists: the panel shows its empty state, not an error.
    expect(total(expected(counts, 'account_recovery_started'))).toBe(0);
    expect(await page.getAttribute('#recoveries .body', 'data-state')).toBe('empty');
    expect(await page.textContent('#recoveries .empty')).toMatch(/^No account recovery happened between /);
    await page.context().close();
  });

  it('when the funnel is shown, then its steps and outcomes are the runs the customer records hold', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const { rows: stages } = await db.pool.query<{ stage: string; n: number }>(
      'select stage, count(*)::int as n from onboardings group by stage',
    );
    const byStage: Record<string, number> = Object.fromEntries(stages.map((r) => [r.stage, r.n]));
    expect(byStage).toEqual({
      enabled: 5,
      denied: 1,
      awaiting_approval: 1,
      awaiting_device: 2,
      cancelled: 1,
    });
    const { rows: reached } = await db.pool.query<{ stage: string; runs: number }>(
      'select stage, count(distinct run_id)::int as runs from onboarding_stage_history group by stage',
    );
    const runsReaching = Object.fromEntries(reached.map((r) => [r.stage, r.runs]));
    // Registered: the run reached awaiting_device, or its record holds the Authy id. A cancel that
    // arrives while the awaiting_device write is still scheduled cancels that write (the run's stage
    // work is one cancellable scope), so a cancelled run can lack the history row but not the id.
    const {
      rows: [registered],
    } = await db.pool.query<{ runs: number }>(
      `select count(distinct h.run_id)::int as runs from onboarding_stage_history h
         left join onboardings o on o.run_id = h.run_id
        where h.stage = 'awaiting_device' or o.authy_id is not null`,
    );

    const steps = (await read(page, '#funnel li[data-step]', ['data-step', 'data-count'], '.step-count')).map(
      (step) => [step['data-step'], Number(step['data-count']), step.text],
    );
    expect(steps).toEqual([
      ['started', runsReaching.registering, String(runsReaching.registering)],
      ['registered', registered!.runs, String(registered!.runs)],
      ['installed', runsReaching.awaiting_approval, String(runsReaching.awaiting_approval)],
      ['enabled', runsReaching.enabled, String(runsReaching.enabled)],
    ]);
    expect(steps.map((s) => s[1])).toEqual([10, 10, 7, 5]);
    // Every run of this cohort is an Authy one: the split by provider says so.
    expect(await page.textContent('#funnel .by-provider')).toBe(' · Authy 10 · Verify 0');

    const outcomes = (await read(page, '#funnel .legend li[data-outcome]', ['data-outcome'], 'b')).map(
      (o) => [o['data-outcome'], o.text],
    );
    expect(Object.fromEntries(outcomes)).toEqual({
      enabled: String(byStage.enabled),
      denied: String(byStage.denied),
      expired: '0',
      failed: '0',
      cancelled: String(byStage.cancelled),
      in_progress: String(byStage.awaiting_approval! + byStage.awaiting_device!),
    });
    await page.context().close();
  });

  it('when a bar is hovered or a chart is stepped through with the keyboard, then the day and its values are shown', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const counts = await storedCounts();
    const approved = expected(counts, 'one_touch_request_responded', 'approved');
    const denied = expected(counts, 'one_touch_request_responded', 'denied');
    const busiest = [...approved.entries()].sort((a, b) => b[1] - a[1])[0]![0];

    const bar = page.locator(`#onetouch rect[data-series="approved"][data-day="${busiest}"]`);
    await bar.scrollIntoViewIfNeeded();
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('#tooltip');
    await tip.waitFor({ state: 'visible' });
    const text = (await tip.textContent()) ?? '';
    expect(text).toContain(`Approved${en(approved.get(busiest)!)}`);
    expect(text).toContain(`Denied${en(denied.get(busiest) ?? 0)}`);
    expect(text).toContain(`Total${en(approved.get(busiest)! + (denied.get(busiest) ?? 0))}`);
    expect(await page.getAttribute('#onetouch svg', 'data-active-day')).toBe(busiest);

    // The screenshot the README shows: the whole page, with this tooltip open.
    const shot = path.join(screenshotDir, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.TWOFOLD_DASHBOARD_SCREENSHOT)
      copyFileSync(shot, process.env.TWOFOLD_DASHBOARD_SCREENSHOT);

    await page.mouse.move(1, 1);
    await page.focus('#registrations svg');
    await page.keyboard.press('End');
    expect(await page.getAttribute('#registrations svg', 'data-active-day')).toBe(day(periodTo - DAY_MS));
    await page.keyboard.press('ArrowLeft');
    expect(await page.getAttribute('#registrations svg', 'data-active-day')).toBe(day(periodTo - 2 * DAY_MS));
    await expect(tip.textContent()).resolves.toContain('Devices registered');
    await page.context().close();
  });

  it('when onboardings wait, then the stuck panel counts them per stage and links each to the Temporal Web UI', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const readStages = async () =>
      (
        await read(
          page,
          '#stuck article[data-stage]',
          ['data-stage', 'data-waiting', 'data-stuck'],
          '.waiting-count',
        )
      ).map((card) => [
        card['data-stage'],
        Number(card['data-waiting']),
        Number(card['data-stuck']),
        card.text,
      ]);
    // Visibility is eventually consistent: reload until it has caught up with the cohort.
    const stages = await waitFor(
      async () => {
        await page.reload();
        await page.waitForSelector('body[data-loaded="true"]');
        return readStages();
      },
      (found) => found.map((card) => card[1]).join() === '0,2,1',
      { what: 'the stuck panel to show 0, 2 and 1 waiting runs' },
    );
    expect(stages).toEqual([
      ['registering', 0, 0, '0'],
      ['awaiting_device', 2, 2, '2'],
      ['awaiting_approval', 1, 1, '1'],
    ]);
    const links = (await read(page, '#stuck a[data-workflow-id]', ['data-workflow-id', 'href'])).map((a) => [
      a['data-workflow-id']!,
      a.href!,
    ]);
    const waiting = [...cohort.neverInstall, ...cohort.ignorePush].map((m) => m.workflowId);
    expect(links.map(([id]) => id).sort()).toEqual([...waiting].sort());
    for (const [id, href] of links) {
      expect(href).toBe(`${UI}/namespaces/${h.temporal.namespace}/workflows/${id}`);
    }
    // Each listed run names its provider (from its customer record): all Authy here.
    const providers = await read(page, '#stuck .waits .provider', ['data-provider']);
    expect(providers.map((p) => p['data-provider'])).toEqual(waiting.map(() => 'authy'));
    expect(await page.locator('#stuck .waits .provider').allTextContents()).toEqual(
      waiting.map(() => 'Authy'),
    );
    const filter = await page.getAttribute('#stuck a[data-list="awaiting_device"]', 'href');
    expect(decodeURIComponent(filter!.split('?query=')[1]!)).toBe(
      `OnboardingStage="awaiting_device" AND ExecutionStatus="Running" AND TaskQueue="${taskQueue}"`,
    );
    await page.context().close();
  });

  it('when Verify is chosen as the provider, then the funnel and the stuck list show only Verify onboardings (none in this Authy cohort) and the URL keeps the choice', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await page.waitForSelector('#stuck article[data-stage="awaiting_device"][data-stuck="2"]');
    await page.selectOption('#provider', 'verify');
    await page.waitForSelector('#funnel .body[data-state="empty"]');
    await page.waitForSelector('#stuck article[data-stage="awaiting_device"][data-stuck="0"]');
    expect(await page.textContent('#funnel .empty')).toMatch(/^No Verify onboarding started /);
    expect(await page.locator('#stuck .waits li').count()).toBe(0);
    // waiting stays the visibility count of every provider.
    expect(await page.getAttribute('#stuck article[data-stage="awaiting_device"]', 'data-waiting')).toBe('2');
    expect(new URL(page.url()).searchParams.get('provider')).toBe('verify');

    // Reloaded (or shared), the page keeps the choice; Authy shows the cohort again.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.inputValue('#provider')).toBe('verify');
    expect(await page.getAttribute('#funnel .body', 'data-state')).toBe('empty');
    await page.selectOption('#provider', 'authy');
    await page.waitForSelector('#funnel li[data-step="started"][data-count="10"]');
    await page.waitForSelector('#stuck article[data-stage="awaiting_device"][data-stuck="2"]');
    expect(await page.textContent('#funnel .facts')).toContain(' on Authy');
    await page.context().close();
  });

  it('when another period is picked (a preset, or From/To), then every panel shows that period and the URL keeps it', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    const counts = await storedCounts();
    const registrations = expected(counts, 'device_registration_completed');
    const within = (from: number, to: number) =>
      new Map([...registrations].filter(([d]) => d >= day(from) && d < day(to)));

    await page.click('button[data-days="7"]');
    await page.waitForSelector('body[data-loaded="true"]');
    const weekFrom = periodTo - 7 * DAY_MS;
    expect(new URL(page.url()).searchParams.get('from')).toBe(day(weekFrom));
    expect(await page.getAttribute('button[data-days="7"]', 'aria-pressed')).toBe('true');
    expect(await drawn(page, 'registrations', 'registrations')).toEqual(within(weekFrom, periodTo));

    // Only today, through the form (To is inclusive on the page): the whole cohort started today.
    const today = day(Date.now());
    await page.fill('input[name="from"]', today);
    await page.fill('input[name="to"]', today);
    await page.click('button[type="submit"]');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(new URL(page.url()).searchParams.get('to')).toBe(day(periodTo));
    expect(await page.getAttribute('button[data-days="7"]', 'aria-pressed')).toBe('false');
    expect(await drawn(page, 'registrations', 'registrations')).toEqual(within(Date.parse(today), periodTo));
    expect(await page.getAttribute('#funnel li[data-step="started"]', 'data-count')).toBe('10');
    await page.context().close();
  });

  it('when the screen is a phone, then the page fits its width and every panel still renders', async () => {
    const page = await openPage({ width: 390, height: 844 });
    // Evaluated in the page (a string: this project's TypeScript has no DOM types).
    const fit = await page.evaluate<{ scroll: number; viewport: number }>(
      '({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })',
    );
    const widest = Math.max(
      ...(await Promise.all(
        (await page.locator('.chart svg').all()).map(async (svg) => {
          const box = (await svg.boundingBox())!;
          return box.x + box.width;
        }),
      )),
    );
    const states = (await read(page, '.panel .body', ['data-state'])).map((b) => b['data-state']);
    expect(fit.scroll).toBeLessThanOrEqual(fit.viewport);
    expect(widest).toBeLessThanOrEqual(fit.viewport);
    expect(states).toEqual(['ready', 'ready', 'ready', 'ready', 'empty', 'ready']);
    await page.context().close();
  });
});
