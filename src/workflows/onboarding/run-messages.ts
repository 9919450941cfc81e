// What one onboarding run keeps of the messages it receives (docs/onboarding.md#messages): each
// event counts once, a payload is checked before it touches state (an invalid one is dropped with a
// log line and never fails the workflow task), and a registration or answer counts only for this
// run's Authy id or approval requests. Runs started before the `onboarding-explicit-timers` patch
// keep their original, unchecked semantics. Handlers only set state here; the waits read it.
import { log } from '@temporalio/workflow';
import type { ApprovalRespondedInput, CancelRequest, PhoneChangedInput } from '../../shared/onboarding';
import { isRecord } from '../../shared/is-record';
import {
  checkApprovalResponded,
  checkCancelRequest,
  checkDeviceRegistered,
  checkPhoneChanged,
} from '../../shared/onboarding-messages';
import type { Checked } from '../../shared/onboarding-messages';

/** Distinct Authy ids / approval answers a run keeps; more is abuse, dropped with a log line. */
const MAX_TRACKED = 32;

/** The event id of a legacy run's signal, unchecked (legacy runs keep their original semantics). */
function legacyEventId(payload: Record<string, unknown>): string | undefined {
  return payload.eventId as string | undefined;
}

/** The payload when it is valid; otherwise logs why (never its content) and drops it. */
function accepted<T>(message: string, checked: Checked<T>): T | undefined {
  if (checked.ok) return checked.value;
  log.warn('dropped an invalid message', { message, problem: checked.problem });
  return undefined;
}

/** The messages one onboarding run has received, as its waits and cancellation read them. */
export class RunMessages {
  /** The first cancel request received (signal or update); the run is cancelled once it is set. */
  cancelRequest: CancelRequest | undefined;
  private readonly seenEventIds = new Set<string>();
  private readonly registeredAuthyIds = new Set<string>();
  private readonly answers = new Map<string, ApprovalRespondedInput>();
  private readonly issuedApprovals: string[] = [];
  private legacyDeviceRegistered = false;
  private legacyAnswer: ApprovalRespondedInput | undefined;

  /** `explicit`: the run started under the `onboarding-explicit-timers` patch. */
  constructor(private readonly explicit: boolean) {}

  /** True the first time an event id is seen: repeated deliveries of one event have no effect. */
  firstDelivery(eventId: string | undefined): boolean {
    if (eventId === undefined) return true;
    if (this.seenEventIds.has(eventId)) return false;
    this.seenEventIds.add(eventId);
    return true;
  }

  /** `deviceRegistered`: notes the Authy id whose device registered. */
  onDeviceRegistered(payload: unknown): void {
    if (!this.explicit) {
      if (isRecord(payload) && this.firstDelivery(legacyEventId(payload))) this.legacyDeviceRegistered = true;
      return;
    }
    const signal = accepted('deviceRegistered', checkDeviceRegistered(payload));
    if (!signal || !this.firstDelivery(signal.eventId)) return;
    // Counts only for this run's Authy id (which may become known after the signal arrives).
    if (this.registeredAuthyIds.size < MAX_TRACKED) this.registeredAuthyIds.add(signal.authyId);
    else
      log.warn('dropped a device registration: too many distinct Authy ids', { message: 'deviceRegistered' });
  }

  /** `approvalResponded`: keeps the first answer to each approval request. */
  onApprovalResponded(payload: unknown): void {
    if (!this.explicit) {
      if (
        isRecord(payload) &&
        this.firstDelivery(legacyEventId(payload)) &&
        this.legacyAnswer === undefined
      ) {
        this.legacyAnswer = payload as unknown as ApprovalRespondedInput;
      }
      return;
    }
    const signal = accepted('approvalResponded', checkApprovalResponded(payload));
    if (!signal || !this.firstDelivery(signal.eventId) || this.answers.has(signal.approvalUuid)) return;
    // Counts only for an approval request this run issued (possibly issued after the answer arrived).
    if (this.answers.size < MAX_TRACKED) this.answers.set(signal.approvalUuid, signal);
    else log.warn('dropped an approval answer: too many distinct requests', { message: 'approvalResponded' });
  }

  /** `phoneChanged`: the change to record, or undefined for an invalid or repeated delivery. */
  acceptPhoneChange(payload: unknown): PhoneChangedInput | undefined {
    const signal = this.explicit
      ? accepted('phoneChanged', checkPhoneChanged(payload))
      : isRecord(payload)
        ? (payload as unknown as PhoneChangedInput)
        : undefined;
    return signal && this.firstDelivery(signal.eventId) ? signal : undefined;
  }

  /** `cancel` (signal): the first valid request cancels the run. */
  onCancelSignal(payload: unknown): void {
    const request = this.explicit
      ? accepted('cancel', checkCancelRequest(payload))
      : isRecord(payload)
        ? (payload as CancelRequest)
        : undefined;
    if (request && this.firstDelivery(request.eventId)) this.cancelRequest ??= request;
  }

  /** `cancelOnboarding` (update, already validated): the first request cancels the run. */
  onCancelUpdate(request: CancelRequest): void {
    if (!this.explicit) this.cancelRequest ??= request;
    else {
      const checked = checkCancelRequest(request);
      this.cancelRequest ??= checked.ok ? checked.value : {};
    }
  }

  /** Refuses an invalid `cancelOnboarding` request before it enters history (explicit-timer runs). */
  validateCancelUpdate(request: CancelRequest): void {
    const checked = checkCancelRequest(request);
    if (this.explicit && !checked.ok) throw new Error(`invalid cancel request: ${checked.problem}`);
  }

  /** True once a device registration for `authyId` (the run's, once known) has arrived by signal. */
  deviceRegistered(authyId: string | undefined): boolean {
    if (!this.explicit) return this.legacyDeviceRegistered;
    return authyId !== undefined && this.registeredAuthyIds.has(authyId);
  }

  /** The first answer received for one of this run's approval requests, if any. */
  approvalAnswer(): ApprovalRespondedInput | undefined {
    if (!this.explicit) return this.legacyAnswer;
    return this.issuedApprovals.map((uuid) => this.answers.get(uuid)).find((answer) => answer !== undefined);
  }

  /** Notes an approval request this run issued, so answers to it count. */
  issuedApproval(approvalUuid: string): void {
    this.issuedApprovals.push(approvalUuid);
  }
}
