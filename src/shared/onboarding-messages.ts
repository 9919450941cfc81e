// Runtime checks of the onboardUser workflow's incoming messages. Signals arrive from the gateway,
// applications and operators; anything a Temporal client can send may arrive, so the workflow checks
// each payload before it touches state (docs/onboarding.md#messages). Plain functions with no
// dependencies: they run inside the workflow sandbox as well as in the gateway and CLI.
import type {
  ApprovalRespondedInput,
  CancelRequest,
  DeviceRegisteredInput,
  FactorVerifiedInput,
  PhoneChangedInput,
  SubmitTotpCodeInput,
} from './onboarding';
import { isRecord } from './is-record';

/** A checked message, or the reason it was refused (for the log line; never personal data). */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const MAX_ID_LENGTH = 200;
const MAX_REASON_LENGTH = 500;

function id(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return `${field} must be a non-empty string`;
  if (value.length > MAX_ID_LENGTH) return `${field} must be at most ${MAX_ID_LENGTH} characters`;
  return undefined;
}

/** ISO 8601 instants only: a timestamp that `Date` cannot read would fail the activity that stores it. */
function optionalInstant(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    return `${field} must be an ISO 8601 timestamp`;
  }
  return undefined;
}

function firstProblem(...problems: (string | undefined)[]): string | undefined {
  return problems.find((problem) => problem !== undefined);
}

function check<T>(payload: unknown, problems: (record: Record<string, unknown>) => (string | undefined)[]) {
  if (!isRecord(payload)) return { ok: false, problem: 'payload must be an object' } as const;
  const problem = firstProblem(...problems(payload));
  return problem ? ({ ok: false, problem } as const) : ({ ok: true, value: payload as T } as const);
}

/** An Authy event about one user's app: an event id, the Authy id and, optionally, when it happened. */
function checkAuthyUserEvent(payload: unknown): Checked<DeviceRegisteredInput & PhoneChangedInput> {
  return check<DeviceRegisteredInput & PhoneChangedInput>(payload, (p) => [
    id(p.eventId, 'eventId'),
    id(p.authyId, 'authyId'),
    optionalInstant(p.occurredAt, 'occurredAt'),
  ]);
}

/** `deviceRegistered`: an event id and the Authy id whose device was registered. */
export const checkDeviceRegistered: (payload: unknown) => Checked<DeviceRegisteredInput> =
  checkAuthyUserEvent;

/** `phoneChanged`: an event id and the Authy id whose phone changed. */
export const checkPhoneChanged: (payload: unknown) => Checked<PhoneChangedInput> = checkAuthyUserEvent;

/** `approvalResponded`: an event id, the approval request's uuid and the answer. */
export function checkApprovalResponded(payload: unknown): Checked<ApprovalRespondedInput> {
  return check<ApprovalRespondedInput>(payload, (p) => [
    id(p.eventId, 'eventId'),
    id(p.approvalUuid, 'approvalUuid'),
    p.status === 'approved' || p.status === 'denied' ? undefined : 'status must be "approved" or "denied"',
    optionalInstant(p.occurredAt, 'occurredAt'),
  ]);
}

/**
 * `cancel` / `cancelOnboarding`: an optional event id and reason; an absent payload means `{}`. A
 * reason longer than {@link MAX_REASON_LENGTH} is cut (it is copied into the customer record).
 */
export function checkCancelRequest(payload: unknown): Checked<CancelRequest> {
  if (payload === undefined || payload === null) return { ok: true, value: {} };
  const checked = check<CancelRequest>(payload, (p) => [
    p.eventId === undefined ? undefined : id(p.eventId, 'eventId'),
    p.reason === undefined || typeof p.reason === 'string' ? undefined : 'reason must be a string',
  ]);
  if (!checked.ok) return checked;
  const { eventId, reason } = checked.value;
  return {
    ok: true,
    value: {
      ...(eventId === undefined ? {} : { eventId }),
      ...(reason === undefined ? {} : { reason: reason.slice(0, MAX_REASON_LENGTH) }),
    },
  };
}

/** `factorVerified` (Verify): an event id, the entity identity and the factor SID. */
export function checkFactorVerified(payload: unknown): Checked<FactorVerifiedInput> {
  return check<FactorVerifiedInput>(payload, (p) => [
    id(p.eventId, 'eventId'),
    id(p.identity, 'identity'),
    id(p.factorSid, 'factorSid'),
    p.factorType === undefined ? undefined : id(p.factorType, 'factorType'),
    optionalInstant(p.occurredAt, 'occurredAt'),
  ]);
}

/** `submitTotpCode` (Verify TOTP): a code of 3–8 digits, as authenticator apps show it. */
export function checkSubmitTotpCode(payload: unknown): Checked<SubmitTotpCodeInput> {
  const checked = check<SubmitTotpCodeInput>(payload, (p) => [
    typeof p.code === 'string' && /^\d{3,8}$/.test(p.code) ? undefined : 'code must be 3 to 8 digits',
  ]);
  return checked.ok ? { ok: true, value: { code: checked.value.code } } : checked;
}
