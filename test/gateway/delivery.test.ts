import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { connectTemporal } from '../harness/temporal';
import { startTestGateway } from './support/gateway';
import type { TestGateway } from './support/gateway';
import { postJson, send } from './support/http';
import { inboxRowsFor } from './support/inbox';
import type { InboxRowView } from './support/inbox';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { useForAll } from '../harness/lifecycle';
import { oneTouchBody, oneTouchHeaders, signWebhook, uniqueAuthyId, webhookClaims } from './support/signing';
import {
  seedApprovalRequest,
  seedRunningOnboarding,
  signalsOf,
  terminateSignalTargets,
} from './support/targets';
import type { RunningOnboardingRecord, SignalTarget } from './support/targets';
import { waitFor } from '../harness/wait-for';

const WEBHOOK = '/webhooks/authy';
const ONETOUCH = '/webhooks/authy/onetouch';

// afterAll hooks run in the order they are declared: the targets go before Temporal closes.
afterAll(terminateSignalTargets);
const temporal = useForAll(connectTemporal);
const db = useIsolatedDatabase('gw');
// One gateway (and so one dispatcher) at a time per describe block: a dispatcher claims every due
// row of the file's database, and the outage test must own its rows.
let gateway: TestGateway;

const runningOnboarding = (authyId: string, record?: RunningOnboardingRecord) =>
  seedRunningOnboarding(temporal.client, db.pool, authyId, record);

/** A running onboarding that sent the push `approvalUuid` (recorded as requestApproval records it). */
async function askingOnboarding(authyId: string, approvalUuid: string): Promise<SignalTarget> {
  const target = await runningOnboarding(authyId, { stage: 'awaiting_approval' });
  await seedApprovalRequest(db.pool, { runId: target.runId, attempt: 1, approvalUuid, authyId });
  return target;
}

function settled(rows: InboxRowView[]): boolean {
  return rows.length > 0 && rows.every((row) => row.state !== 'pending');
}

async function settledRows(authyId: string): Promise<InboxRowView[]> {
  return waitFor(() => inboxRowsFor(db.pool, authyId), settled, {
    what: `inbox rows of ${authyId} settled`,
  });
}

describe('dispatcher → workflows (real Temporal)', () => {
  beforeAll(async () => {
    gateway = await startTestGateway({
      pool: db.pool,
      connectTemporal: () => temporal.connectOwnClient(),
      dispatch: true,
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('when a device registration is recorded for a running onboarding, then the workflow gets deviceRegistered with the delivery id as event id', async () => {
    const authyId = uniqueAuthyId();
    const target = await runningOnboarding(authyId);
    const claims = webhookClaims('device_registration_completed', authyId);
    expect((await postJson(gateway.url, WEBHOOK, { body: signWebhook(claims) })).status).toBe(200);

    const [row] = await settledRows(authyId);
    expect(row).toMatchObject({ state: 'delivered', targets: [target.workflowId] });
    expect(await signalsOf(target.handle)).toEqual([
      {
        name: 'deviceRegistered',
        payload: { eventId: `jwt:${String(claims.id)}`, authyId, occurredAt: claims.time },
      },
    ]);
  });

  it('when the same delivery arrives 3 times, then there is one inbox row and one signal', async () => {
    const authyId = uniqueAuthyId();
    const target = await runningOnboarding(authyId);
    const token = signWebhook(webhookClaims('device_registration_completed', authyId));
    for (let i = 0; i < 3; i++)
      expect((await postJson(gateway.url, WEBHOOK, { body: token })).status).toBe(200);

    expect(await settledRows(authyId)).toHaveLength(1);
    await gateway.dispatcher.runOnce();
    expect(await signalsOf(target.handle)).toHaveLength(1);
  });

  it('when an approval arrives both as OneTouch callback and as webhook event, then both signals carry one event id (applied once)', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const target = await askingOnboarding(authyId, uuid);
    const callback = oneTouchBody(authyId, uuid, 'approved');
    expect((await postJson(gateway.url, ONETOUCH, callback, oneTouchHeaders(callback))).status).toBe(200);
    const claims = webhookClaims('one_touch_request_responded', authyId, {
      onetouch_request: { uuid, status: 'approved', seconds_to_expire: 600 },
    });
    expect((await postJson(gateway.url, WEBHOOK, { body: signWebhook(claims) })).status).toBe(200);

    expect(await settledRows(authyId)).toHaveLength(2);
    const signals = await signalsOf(target.handle);
    expect(signals.map((s) => s.name)).toEqual(['approvalResponded', 'approvalResponded']);
    expect(new Set(signals.map((s) => s.payload.eventId))).toEqual(new Set([`approval:${uuid}:approved`]));
    expect(signals[0]!.payload).toMatchObject({ approvalUuid: uuid, status: 'approved' });
  });

  it('when several running onboardings share the authy id, then each is signalled', async () => {
    const authyId = uniqueAuthyId();
    const first = await runningOnboarding(authyId);
    const second = await runningOnboarding(authyId);
    await postJson(gateway.url, WEBHOOK, {
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });

    const [row] = await settledRows(authyId);
    expect(new Set(row!.targets)).toEqual(new Set([first.workflowId, second.workflowId]));
    expect(await signalsOf(first.handle)).toHaveLength(1);
    expect(await signalsOf(second.handle)).toHaveLength(1);
  });

  it('when two running onboardings share the authy id, then an approval answer goes only to the one that sent the request', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const asker = await askingOnboarding(authyId, uuid);
    const bystander = await runningOnboarding(authyId);
    const callback = oneTouchBody(authyId, uuid, 'denied');
    await postJson(gateway.url, ONETOUCH, callback, oneTouchHeaders(callback));

    expect(await settledRows(authyId)).toMatchObject([{ state: 'delivered', targets: [asker.workflowId] }]);
    expect(await signalsOf(asker.handle)).toMatchObject([
      { name: 'approvalResponded', payload: { status: 'denied' } },
    ]);
    expect(await signalsOf(bystander.handle)).toEqual([]);
  });

  it('when the customer record names the approval (a run from before approval_requests), then that run gets the answer', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const asker = await runningOnboarding(authyId, { stage: 'awaiting_approval', approvalUuid: uuid });
    const callback = oneTouchBody(authyId, uuid, 'approved');
    await postJson(gateway.url, ONETOUCH, callback, oneTouchHeaders(callback));

    expect(await settledRows(authyId)).toMatchObject([{ state: 'delivered', targets: [asker.workflowId] }]);
    expect(await signalsOf(asker.handle)).toMatchObject([
      { name: 'approvalResponded', payload: { approvalUuid: uuid, status: 'approved' } },
    ]);
  });

  it('when the onboarding has finished, then the event settles as no_target and nothing is signalled', async () => {
    const authyId = uniqueAuthyId();
    const target = await runningOnboarding(authyId, { stage: 'enabled' });
    await postJson(gateway.url, WEBHOOK, {
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });

    expect(await settledRows(authyId)).toMatchObject([
      { state: 'no_target', last_error: 'the onboarding has finished' },
    ]);
    expect(await signalsOf(target.handle)).toEqual([]);
  });

  it('when the record says running but the workflow is closed, then the event settles as no_target', async () => {
    const authyId = uniqueAuthyId();
    const target = await runningOnboarding(authyId);
    await target.handle.terminate('test: closed before the event');
    await postJson(gateway.url, WEBHOOK, {
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });

    expect(await settledRows(authyId)).toMatchObject([
      { state: 'no_target', last_error: 'the onboarding workflow is closed' },
    ]);
  });

  it('when a phone change arrives for a running onboarding, then the customer record gets a masked row and the workflow gets phoneChanged', async () => {
    const authyId = uniqueAuthyId();
    const target = await runningOnboarding(authyId);
    const claims = webhookClaims('user_phone_changed', authyId, {
      phone_change: { new_phone_number: '+44 7700 900123', status: 'approved' },
    });
    await postJson(gateway.url, WEBHOOK, { body: signWebhook(claims) });

    expect(await settledRows(authyId)).toMatchObject([{ state: 'delivered' }]);
    const { rows } = await db.pool.query(
      'SELECT event_id, user_id, authy_id, masked_phone FROM onboarding_phone_changes WHERE authy_id = $1',
      [authyId],
    );
    expect(rows).toEqual([
      {
        event_id: `jwt:${String(claims.id)}`,
        user_id: target.userId,
        authy_id: authyId,
        masked_phone: 'XXX-XXX-0123',
      },
    ]);
    expect(await signalsOf(target.handle)).toMatchObject([{ name: 'phoneChanged', payload: { authyId } }]);
  });
});

describe('unknown authy ids (grace period)', () => {
  let graceful: TestGateway;

  beforeAll(async () => {
    graceful = await startTestGateway({
      pool: db.pool,
      connectTemporal: () => temporal.connectOwnClient(),
      dispatch: true,
      dispatcher: { unknownTargetGraceMs: 3_000 },
    });
  });

  afterAll(async () => {
    await graceful.close();
  });

  it('when no onboarding has the authy id, then the event stays pending through the grace period and then settles as no_target', async () => {
    const authyId = uniqueAuthyId();
    expect(
      (
        await postJson(graceful.url, WEBHOOK, {
          body: signWebhook(webhookClaims('device_registration_completed', authyId)),
        })
      ).status,
    ).toBe(200);

    const retried = await waitFor(
      () => inboxRowsFor(db.pool, authyId),
      (rows) => rows[0]?.attempts !== undefined && rows[0].attempts >= 2,
      { what: 'a retried attempt' },
    );
    expect(retried[0]).toMatchObject({ state: 'pending', last_error: 'no onboarding has this authy id yet' });
    expect(await settledRows(authyId)).toMatchObject([
      { state: 'no_target', last_error: 'no onboarding has this authy id' },
    ]);
  });

  it('when the onboarding writes its authy id shortly after the event, then the event is still delivered', async () => {
    const authyId = uniqueAuthyId();
    await postJson(graceful.url, WEBHOOK, {
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });
    await waitFor(
      () => inboxRowsFor(db.pool, authyId),
      (rows) => (rows[0]?.attempts ?? 0) >= 1,
      {
        what: 'a first attempt',
      },
    );
    const target = await runningOnboarding(authyId);

    expect(await settledRows(authyId)).toMatchObject([{ state: 'delivered', targets: [target.workflowId] }]);
    expect(await signalsOf(target.handle)).toHaveLength(1);
  });

  it('when an approval answer names a push no onboarding run issued, then no onboarding of that authy id is signalled and it settles as unroutable', async () => {
    const authyId = uniqueAuthyId();
    // Running onboardings of this authy id, one of them with a push of its own: none sent this one.
    const waiting = await runningOnboarding(authyId);
    const asking = await askingOnboarding(authyId, randomUUID());
    const foreign = randomUUID();
    const callback = oneTouchBody(authyId, foreign, 'approved');
    expect((await postJson(graceful.url, ONETOUCH, callback, oneTouchHeaders(callback))).status).toBe(200);
    const claims = webhookClaims('one_touch_request_responded', authyId, {
      onetouch_request: { uuid: foreign, status: 'approved' },
    });
    expect((await postJson(graceful.url, WEBHOOK, { body: signWebhook(claims) })).status).toBe(200);

    const retried = await waitFor(
      () => inboxRowsFor(db.pool, authyId),
      // An attempt is counted when a row is claimed and its error written when it settles: wait for both.
      (rows) => rows.length === 2 && rows.every((row) => row.attempts >= 1 && row.last_error !== null),
      { what: 'first attempts' },
    );
    expect(retried.map((row) => row.last_error)).toEqual([
      'no onboarding has issued this approval request yet',
      'no onboarding has issued this approval request yet',
    ]);
    const rows = await settledRows(authyId);
    expect(rows).toMatchObject([
      { state: 'no_target', targets: [], last_error: 'no onboarding run issued this approval request' },
      { state: 'no_target', targets: [], last_error: 'no onboarding run issued this approval request' },
    ]);
    await graceful.dispatcher.runOnce();
    expect(await signalsOf(waiting.handle)).toEqual([]);
    expect(await signalsOf(asking.handle)).toEqual([]);
    const outcomes = await graceful.app.metrics.dispatchOutcomes.get();
    const unroutable = outcomes.values.filter((v) => v.labels.outcome === 'unroutable');
    expect(unroutable.reduce((sum, v) => sum + v.value, 0)).toBe(2);
  });

  it('when the push was issued by an earlier run of the user, then the newer run does not get the answer', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const newer = await runningOnboarding(authyId);
    // The push was sent by a run the customer record no longer describes.
    await seedApprovalRequest(db.pool, { runId: randomUUID(), attempt: 1, approvalUuid: uuid, authyId });
    const callback = oneTouchBody(authyId, uuid, 'approved');
    await postJson(graceful.url, ONETOUCH, callback, oneTouchHeaders(callback));

    expect(await settledRows(authyId)).toMatchObject([
      { state: 'no_target', last_error: 'no onboarding run issued this approval request' },
    ]);
    expect(await signalsOf(newer.handle)).toEqual([]);
  });

  it('when a signed answer names another authy id than the push went to, then the issuing run is not signalled', async () => {
    const authyId = uniqueAuthyId();
    const other = uniqueAuthyId();
    const uuid = randomUUID();
    const asker = await askingOnboarding(authyId, uuid);
    const callback = oneTouchBody(other, uuid, 'approved');
    await postJson(graceful.url, ONETOUCH, callback, oneTouchHeaders(callback));

    expect(await settledRows(other)).toMatchObject([{ state: 'no_target', targets: [] }]);
    expect(await signalsOf(asker.handle)).toEqual([]);
  });

  it('when a phone change arrives for an unknown authy id, then the customer record still gets the change (no user) and the event settles', async () => {
    const authyId = uniqueAuthyId();
    const claims = webhookClaims('user_phone_changed', authyId, {
      phone_change: { new_phone_number: '+1 202 555 0147' },
    });
    await postJson(graceful.url, WEBHOOK, { body: signWebhook(claims) });

    expect(await settledRows(authyId)).toMatchObject([{ state: 'no_target' }]);
    const { rows } = await db.pool.query(
      'SELECT user_id, masked_phone FROM onboarding_phone_changes WHERE authy_id = $1',
      [authyId],
    );
    expect(rows).toEqual([{ user_id: null, masked_phone: 'XXX-XXX-0147' }]);
  });
});

describe('Temporal unreachable at delivery time', () => {
  it('when Temporal is down, then deliveries are still answered 200 and stay pending; once it is back they are delivered once', async () => {
    let temporalDown = true;
    const outage = await startTestGateway({
      pool: db.pool,
      dispatch: true,
      // While "down", the gateway dials a port where nothing listens: a real failed connection.
      connectTemporal: async () =>
        temporalDown
          ? new Client({
              connection: await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 300 }),
            })
          : temporal.connectOwnClient(),
    });
    try {
      const authyId = uniqueAuthyId();
      const target = await runningOnboarding(authyId);
      const tokens = ['device_registration_completed', 'user_phone_changed'].map((event) =>
        signWebhook(webhookClaims(event, authyId)),
      );
      for (const token of tokens)
        expect((await postJson(outage.url, WEBHOOK, { body: token })).status).toBe(200);

      const ready = await send(outage.adminUrl, { method: 'GET', path: '/readyz' });
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ checks: { postgres: 'ok', temporal: 'unreachable' } });

      const waiting = await waitFor(
        () => inboxRowsFor(db.pool, authyId),
        (rows) => rows.length === 2 && rows.every((row) => row.attempts >= 2),
        { what: 'two failed attempts each' },
      );
      for (const row of waiting) {
        expect(row.state).toBe('pending');
        expect(row.last_error).toContain('TemporalUnavailableError');
      }
      expect(await signalsOf(target.handle)).toEqual([]);

      temporalDown = false;
      const delivered = await settledRows(authyId);
      expect(delivered.map((row) => row.state)).toEqual(['delivered', 'delivered']);
      expect((await signalsOf(target.handle)).map((s) => s.name).sort()).toEqual([
        'deviceRegistered',
        'phoneChanged',
      ]);
      expect((await send(outage.adminUrl, { method: 'GET', path: '/readyz' })).status).toBe(200);
    } finally {
      await outage.close();
    }
  });
});
