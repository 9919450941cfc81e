import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';

/** `signalled`: the workflow has the signal in its history; `not_found`: no open run with that id. */
export type SignalResult = 'signalled' | 'not_found';

/** A workflow id (its current run), or one run of it: a closed run is then `not_found`. */
export type SignalTarget = string | { workflowId: string; runId?: string };

/**
 * How the gateway reaches Temporal. Injected into the dispatcher and `/readyz`, so the gateway
 * starts and records deliveries while Temporal is down, and tests can simulate an outage.
 */
export interface WorkflowSignaller {
  signal<Args extends unknown[]>(
    target: SignalTarget,
    definition: SignalDefinition<Args>,
    ...args: Args
  ): Promise<SignalResult>;
  /** Resolves when Temporal answers; throws {@link TemporalUnavailableError} otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Temporal could not be reached or did not answer in time; the caller retries later. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/** Tuning of {@link createWorkflowSignaller}. */
export interface WorkflowSignallerOptions {
  /** Deadline of each Temporal call, so an unreachable server cannot hold a dispatcher. */
  callTimeoutMs?: number;
}

/**
 * A signaller over a lazily connected Temporal client. `connect` runs on first use and again after
 * a failed connect, so a gateway started during a Temporal outage connects once it is back; an open
 * connection reconnects by itself.
 */
export function createWorkflowSignaller(
  connect: () => Promise<Client>,
  options: WorkflowSignallerOptions = {},
): WorkflowSignaller {
  const timeoutMs = options.callTimeoutMs ?? 5_000;
  let pending: Promise<Client> | undefined;
  let closed = false;

  async function client(): Promise<Client> {
    if (closed) throw new TemporalUnavailableError('the signaller is closed', { cause: undefined });
    pending ??= connect();
    try {
      return await pending;
    } catch (error) {
      pending = undefined;
      throw new TemporalUnavailableError('cannot connect to Temporal', { cause: error });
    }
  }

  return {
    async signal(target, definition, ...args) {
      const c = await client();
      const { workflowId, runId } =
        typeof target === 'string' ? { workflowId: target, runId: undefined } : target;
      try {
        await c.withDeadline(Date.now() + timeoutMs, () =>
          c.workflow.getHandle(workflowId, runId).signal(definition, ...args),
        );
        return 'signalled';
      } catch (error) {
        // Cross-realm safe: compare by name, not instanceof.
        if ((error as { name?: unknown }).name === 'WorkflowNotFoundError') return 'not_found';
        throw new TemporalUnavailableError('signalling the workflow failed', { cause: error });
      }
    },
    async check() {
      const c = await client();
      try {
        await c.withDeadline(Date.now() + timeoutMs, () => c.connection.workflowService.getSystemInfo({}));
      } catch (error) {
        throw new TemporalUnavailableError('Temporal did not answer', { cause: error });
      }
    },
    async close() {
      closed = true;
      const current = pending;
      pending = undefined;
      if (!current) return;
      const c = await current.catch(() => undefined);
      await c?.connection.close();
    },
  };
}
