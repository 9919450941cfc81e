import { randomUUID } from 'node:crypto';
import { createOnboardingActivities } from '../../src/activities/onboarding';
import { createAuthyHttp } from '../../src/authy/http';
import { createAuthyProvider } from '../../src/authy/provider';
import type { DbPool } from '../../src/db/pool';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { uniquePhone } from '../harness/onboarding';

/** The real pool, except that the first `failures` inserts into approval_requests fail as in an outage. */
function poolFailingPushRecords(pool: DbPool, failures: number): DbPool {
  let left = failures;
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (text: unknown, ...rest: unknown[]) => {
        if (typeof text === 'string' && text.includes('insert into approval_requests') && left > 0) {
          left -= 1;
          return Promise.reject(new Error('Connection terminated unexpectedly'));
        }
        return (target.query as (...args: unknown[]) => unknown)(text, ...rest);
      };
    },
  });
}

// A OneTouch push cannot be deduplicated by Authy: requestApproval records it per run and attempt
// (docs/onboarding.md#durability), so a retried activity returns it instead of sending another.
describe('requestApproval: one push per run and attempt', () => {
  let emulator: EmulatorHarness;
  let pool: DbPool;
  beforeAll(async () => {
    emulator = await startEmulator();
    pool = createTestPool();
  });
  afterAll(async () => {
    await emulator.close();
    await pool.end();
  });

  async function installedAuthyId(provider: ReturnType<typeof createAuthyProvider>): Promise<string> {
    const { factorUserId } = await provider.registerUser({
      email: 'push-record@example.com',
      countryCode: '1',
      cellphone: uniquePhone(),
    });
    await emulator.control('POST', `/users/${factorUserId}/install`);
    return factorUserId;
  }

  async function pushesTo(authyId: string): Promise<number> {
    const log = await emulator.control<{ requests: { path: string; method: string }[] }>('GET', '/requests');
    return log.requests.filter(
      (r) => r.method === 'POST' && r.path.includes(`/onetouch/json/users/${authyId}/approval_requests`),
    ).length;
  }

  it('when recording the push fails twice (PostgreSQL briefly down) and the activity is then retried, then one push was sent and both answers name it', async () => {
    const provider = createAuthyProvider(createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey }));
    const authyId = await installedAuthyId(provider);
    const request = {
      authyId,
      message: 'Confirm two-factor authentication for your account',
      expiresInSeconds: 600,
      idempotencyKey: { runId: randomUUID(), attempt: 1 },
    };
    const flaky = createOnboardingActivities({ pool: poolFailingPushRecords(pool, 2), provider });
    const first = await flaky.requestApproval(request);

    const retried = createOnboardingActivities({ pool, provider });
    const second = await retried.requestApproval(request);

    expect(second.approvalUuid).toBe(first.approvalUuid);
    expect(await pushesTo(authyId)).toBe(1);
  });

  it('when the next attempt of the same run asks, then it sends a push of its own', async () => {
    const provider = createAuthyProvider(createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey }));
    const authyId = await installedAuthyId(provider);
    const activities = createOnboardingActivities({ pool, provider });
    const runId = randomUUID();
    const base = { authyId, message: 'Confirm', expiresInSeconds: 600 };
    const one = await activities.requestApproval({
      ...base,
      idempotencyKey: { runId, attempt: 1 },
    });
    const two = await activities.requestApproval({
      ...base,
      idempotencyKey: { runId, attempt: 2 },
    });
    expect(two.approvalUuid).not.toBe(one.approvalUuid);
    expect(await pushesTo(authyId)).toBe(2);
  });
});
