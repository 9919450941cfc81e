import type { DbPool } from '../db/pool';
import { findOnboardingTargets } from '../db/onboarding-targets';
import { recordPhoneChange } from '../db/onboardings';
import type { OnboardingTargetRow } from '../db/onboarding-targets';
import type { InboxEventRow } from '../db/webhook-inbox';
import { FINAL_STAGES } from '../shared/onboarding';
import type { OnboardingStage } from '../shared/onboarding';
import {
  approvalRespondedSignal,
  deviceRegisteredSignal,
  phoneChangedSignal,
} from '../workflows/onboarding/messages';
import { ONETOUCH_CALLBACK_EVENT } from './events';
import { InboxPayloadSchema } from './schemas';
import type { InboxPayload } from './schemas';
import type { WorkflowSignaller } from './workflow-signaller';

/** What one delivery attempt decided for an inbox row. */
export type DeliveryOutcome =
  | { kind: 'delivered'; targets: string[] }
  | { kind: 'no_target'; targets: string[]; note: string }
  | { kind: 'retry'; reason: string; notAfterMs?: number };

/** What one delivery attempt needs: the customer record, Temporal and the unknown-target grace. */
export interface DeliverDeps {
  pool: DbPool;
  signaller: WorkflowSignaller;
  /** How long an event for an unknown authy id stays pending (the onboarding may not have written it yet). */
  unknownTargetGraceMs: number;
  now?: () => number;
}

/**
 * The id the workflow deduplicates on. An approval answer reaches the gateway twice (the OneTouch
 * callback and the `one_touch_request_responded` webhook): both carry the same id, so the onboarding
 * applies it once. Every other event uses its inbox delivery id.
 */
export function signalEventId(row: InboxEventRow, payload: InboxPayload): string {
  if (payload.approvalUuid !== undefined && payload.approvalStatus !== undefined) {
    return `approval:${payload.approvalUuid}:${payload.approvalStatus}`;
  }
  return row.deliveryId;
}

const isRunning = (target: OnboardingTargetRow) => !FINAL_STAGES.includes(target.stage as OnboardingStage);

type SignalSender = (
  signaller: WorkflowSignaller,
  workflowId: string,
) => ReturnType<WorkflowSignaller['signal']>;

function signalFor(row: InboxEventRow, payload: InboxPayload): SignalSender | undefined {
  const eventId = signalEventId(row, payload);
  const occurredAt = row.occurredAt ? { occurredAt: row.occurredAt.toISOString() } : {};
  const authyId = row.authyId ?? undefined;
  switch (row.event) {
    case 'device_registration_completed':
      if (authyId === undefined) return undefined;
      return (s, id) => s.signal(id, deviceRegisteredSignal, { eventId, authyId, ...occurredAt });
    case 'user_phone_changed':
      if (authyId === undefined) return undefined;
      return (s, id) => s.signal(id, phoneChangedSignal, { eventId, authyId, ...occurredAt });
    case 'one_touch_request_responded':
    case ONETOUCH_CALLBACK_EVENT: {
      const { approvalUuid, approvalStatus } = payload;
      if (approvalUuid === undefined || approvalStatus === undefined) return undefined;
      return (s, id) =>
        s.signal(id, approvalRespondedSignal, {
          eventId,
          approvalUuid,
          status: approvalStatus,
          ...occurredAt,
        });
    }
    default:
      return undefined;
  }
}

/**
 * One delivery attempt: finds the onboardings the event concerns (authy id, or approval uuid),
 * records a phone change on the customer record in every case, and signals each running onboarding.
 * Unknown authy ids are retried until the grace period ends; finished onboardings and closed
 * workflows settle as `no_target`; an unreachable Temporal means `retry`.
 */
export async function deliverInboxEvent(deps: DeliverDeps, row: InboxEventRow): Promise<DeliveryOutcome> {
  const parsed = InboxPayloadSchema.safeParse(row.payload);
  const payload = parsed.success ? parsed.data : {};
  const send = signalFor(row, payload);
  if (!send) return { kind: 'no_target', targets: [], note: 'nothing to signal for this event' };

  const targets = await findOnboardingTargets(deps.pool, {
    ...(row.authyId !== null ? { authyId: row.authyId } : {}),
    ...(payload.approvalUuid !== undefined ? { approvalUuid: payload.approvalUuid } : {}),
  });
  // An approval answer belongs to the onboarding that sent that request; the authy id alone could
  // also match another person's onboarding on the same phone.
  const owners = targets.filter(
    (t) => payload.approvalUuid !== undefined && t.approvalUuid === payload.approvalUuid,
  );
  const running = (owners.length > 0 ? owners : targets).filter(isRunning);

  if (row.event === 'user_phone_changed' && row.authyId !== null) {
    const userId = (running[0] ?? targets[0])?.userId;
    await recordPhoneChange(deps.pool, {
      eventId: row.deliveryId,
      authyId: row.authyId,
      changedAt: row.occurredAt ?? row.receivedAt,
      ...(userId !== undefined ? { userId } : {}),
      ...(payload.maskedPhone !== undefined ? { maskedPhone: payload.maskedPhone } : {}),
    });
  }

  if (running.length === 0) {
    if (targets.length > 0) {
      return { kind: 'no_target', targets: [], note: 'the onboarding has finished' };
    }
    const graceEndsAt = row.receivedAt.getTime() + deps.unknownTargetGraceMs;
    if ((deps.now ?? Date.now)() < graceEndsAt) {
      return { kind: 'retry', reason: 'no onboarding has this authy id yet', notAfterMs: graceEndsAt };
    }
    return { kind: 'no_target', targets: [], note: 'no onboarding has this authy id' };
  }

  const signalled: string[] = [];
  for (const target of running) {
    // Throws TemporalUnavailableError: the row is retried; targets already signalled dedupe by event id.
    const result = await send(deps.signaller, target.workflowId);
    if (result === 'signalled') signalled.push(target.workflowId);
  }
  if (signalled.length === 0) {
    return { kind: 'no_target', targets: [], note: 'the onboarding workflow is closed' };
  }
  return { kind: 'delivered', targets: signalled };
}
