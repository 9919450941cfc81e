import type { DbPool } from '../db/pool';
import { findApprovalTargets, findOnboardingTargets } from '../db/onboarding-targets';
import { recordPhoneChange } from '../db/onboardings';
import type { OnboardingTargetRow } from '../db/onboarding-targets';
import type { InboxEventRow } from '../db/inbox-dispatch';
import { FINAL_STAGES } from '../shared/onboarding';
import type { OnboardingStage } from '../shared/onboarding';
import {
  approvalRespondedSignal,
  deviceRegisteredSignal,
  factorVerifiedSignal,
  phoneChangedSignal,
} from '../workflows/onboarding/messages';
import { ONETOUCH_CALLBACK_EVENT } from './events';
import { InboxPayloadSchema } from './schemas';
import type { InboxPayload } from './schemas';
import type { SignalTarget, WorkflowSignaller } from './workflow-signaller';

/**
 * What one delivery attempt decided for an inbox row. `unroutable` is an approval answer no
 * onboarding run issued the request of: settled (state `no_target`) with a warning, never signalled.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; targets: string[] }
  | { kind: 'no_target'; targets: string[]; note: string }
  | { kind: 'unroutable'; targets: string[]; note: string }
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
  target: SignalTarget,
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
    case 'factor.verified': {
      // Verify: the row's authy id is the entity identity the factor belongs to.
      const { factorSid, factorType } = payload;
      if (authyId === undefined || factorSid === undefined) return undefined;
      return (s, id) =>
        s.signal(id, factorVerifiedSignal, {
          eventId,
          identity: authyId,
          factorSid,
          ...(factorType === undefined ? {} : { factorType }),
          ...occurredAt,
        });
    }
    case 'challenge.approved':
    case 'challenge.denied':
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

/** Which running onboardings an event goes to, or why none (see {@link deliverInboxEvent}). */
type Routing =
  | { kind: 'targets'; running: OnboardingTargetRow[]; all: OnboardingTargetRow[] }
  | { kind: 'finished'; all: OnboardingTargetRow[] }
  | { kind: 'unknown'; retryReason: string; settleNote: string; unroutable: boolean };

type UnknownTarget = Extract<Routing, { kind: 'unknown' }>;

/** To the running onboardings among `found`; when none runs, `finished` if any was found, else `unknown`. */
function routeTo(found: OnboardingTargetRow[], unknown: UnknownTarget): Routing {
  const running = found.filter(isRunning);
  if (running.length > 0) return { kind: 'targets', running, all: found };
  if (found.length > 0) return { kind: 'finished', all: found };
  return unknown;
}

/** An approval answer goes to the one run that issued that request, never by authy id. */
async function routeApproval(pool: DbPool, row: InboxEventRow, approvalUuid: string): Promise<Routing> {
  // A signed answer naming another Authy user than the push went to concerns no onboarding.
  return routeTo(await findApprovalTargets(pool, approvalUuid, row.authyId ?? undefined), {
    kind: 'unknown',
    retryReason: 'no onboarding has issued this approval request yet',
    settleNote: 'no onboarding run issued this approval request',
    unroutable: true,
  });
}

async function routeByAuthyId(pool: DbPool, authyId: string | null): Promise<Routing> {
  return routeTo(authyId === null ? [] : await findOnboardingTargets(pool, authyId), {
    kind: 'unknown',
    retryReason: 'no onboarding has this authy id yet',
    settleNote: 'no onboarding has this authy id',
    unroutable: false,
  });
}

/**
 * One delivery attempt: finds the onboardings the event concerns, records a phone change on the
 * customer record in every case, and signals each running onboarding. Device registrations and
 * phone changes go to every running onboarding with the authy id; an approval answer only to the
 * run that issued that approval request (by uuid), never to "any run of this authy id". Targets not
 * known yet are retried until the grace period ends (the record may lag the event), then settle:
 * an unknown authy id as `no_target`, an approval no run issued as `unroutable`. Finished
 * onboardings and closed workflows settle as `no_target`; an unreachable Temporal means `retry`.
 */
export async function deliverInboxEvent(deps: DeliverDeps, row: InboxEventRow): Promise<DeliveryOutcome> {
  const parsed = InboxPayloadSchema.safeParse(row.payload);
  const payload = parsed.success ? parsed.data : {};
  const send = signalFor(row, payload);
  if (!send) return { kind: 'no_target', targets: [], note: 'nothing to signal for this event' };

  const isApproval =
    row.event === 'one_touch_request_responded' ||
    row.event === ONETOUCH_CALLBACK_EVENT ||
    row.event === 'challenge.approved' ||
    row.event === 'challenge.denied';
  const routing =
    isApproval && payload.approvalUuid !== undefined
      ? await routeApproval(deps.pool, row, payload.approvalUuid)
      : await routeByAuthyId(deps.pool, row.authyId);

  if (row.event === 'user_phone_changed' && row.authyId !== null) {
    const known =
      routing.kind === 'targets'
        ? [...routing.running, ...routing.all]
        : routing.kind === 'finished'
          ? routing.all
          : [];
    const userId = known[0]?.userId;
    await recordPhoneChange(deps.pool, {
      eventId: row.deliveryId,
      authyId: row.authyId,
      changedAt: row.occurredAt ?? row.receivedAt,
      ...(userId !== undefined ? { userId } : {}),
      ...(payload.maskedPhone !== undefined ? { maskedPhone: payload.maskedPhone } : {}),
    });
  }

  if (routing.kind === 'finished') {
    return { kind: 'no_target', targets: [], note: 'the onboarding has finished' };
  }
  if (routing.kind === 'unknown') {
    const graceEndsAt = row.receivedAt.getTime() + deps.unknownTargetGraceMs;
    if ((deps.now ?? Date.now)() < graceEndsAt) {
      return { kind: 'retry', reason: routing.retryReason, notAfterMs: graceEndsAt };
    }
    return { kind: routing.unroutable ? 'unroutable' : 'no_target', targets: [], note: routing.settleNote };
  }

  const signalled: string[] = [];
  for (const target of routing.running) {
    // Throws TemporalUnavailableError: the row is retried; targets already signalled dedupe by event id.
    // An approval goes to the issuing run itself: if that run has closed, a newer one gets nothing.
    const to = isApproval ? { workflowId: target.workflowId, runId: target.runId } : target.workflowId;
    const result = await send(deps.signaller, to);
    if (result === 'signalled') signalled.push(target.workflowId);
  }
  if (signalled.length === 0) {
    return { kind: 'no_target', targets: [], note: 'the onboarding workflow is closed' };
  }
  return { kind: 'delivered', targets: signalled };
}
