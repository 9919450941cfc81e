import type { Middleware } from 'koa';
import type { DbPool } from '../../db/pool';
import { pingDatabase } from '../../db/health';
import type { WorkflowSignaller } from '../workflow-signaller';

/** `GET /healthz`: the process is up and serving (no dependency is checked). */
export function livenessHandler(): Middleware {
  return (ctx) => {
    ctx.body = { status: 'ok' };
  };
}

type CheckResult = 'ok' | 'unreachable';

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('unreachable'), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        (): CheckResult => 'ok',
        (): CheckResult => 'unreachable',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /readyz`: PostgreSQL and Temporal both answer. 200 `{ status: "ready", checks }`, else 503
 * with the error body and the same `checks`. Intake itself needs only PostgreSQL (docs/gateway.md).
 */
export function readinessHandler(deps: {
  pool: DbPool;
  signaller: WorkflowSignaller;
  timeoutMs?: number;
}): Middleware {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  return async (ctx) => {
    const [postgres, temporal] = await Promise.all([
      probe(() => pingDatabase(deps.pool), timeoutMs),
      probe(() => deps.signaller.check(), timeoutMs),
    ]);
    const checks = { postgres, temporal };
    if (postgres === 'ok' && temporal === 'ok') {
      ctx.body = { status: 'ready', checks };
      return;
    }
    const down = Object.entries(checks)
      .filter(([, result]) => result !== 'ok')
      .map(([name]) => name);
    ctx.status = 503;
    ctx.body = {
      error: { code: 'unavailable', message: `not ready: ${down.join(' and ')} unreachable` },
      checks,
    };
  };
}
