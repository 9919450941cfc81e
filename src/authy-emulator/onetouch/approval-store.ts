import type { EmulatedApp } from '../event-objects';
import { hash32, hex8 } from '../random';
import type { SeededRandom } from '../random';

/** Status as the API shows it; `expired` is computed, never stored. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** A OneTouch approval request (docs/authy-api.md#16-onetouch-approval-requests). */
export interface ApprovalRequest {
  uuid: string;
  authyId: number;
  email: string;
  message: string;
  details: Record<string, unknown>;
  hiddenDetails: Record<string, unknown>;
  logos: unknown[] | null;
  /** 0 = never expires (docs/authy-api.md#16-onetouch-approval-requests). */
  secondsToExpire: number;
  /** Epoch ms. */
  createdAt: number;
  /** Set once the person answered; expiry is computed, never stored. */
  answer?: { status: 'approved' | 'denied'; at: number; deviceUuid: string; signature: string };
  /** Mongo-style ids of Twilio's answer (`_id`). */
  internalId: string;
}

/** Approval requests by uuid. Expiry is lazy: the status is computed from the clock on each read. */
export class ApprovalStore {
  private readonly requests = new Map<string, ApprovalRequest>();

  constructor(
    private readonly random: SeededRandom,
    private readonly now: () => number,
  ) {}

  create(input: Omit<ApprovalRequest, 'uuid' | 'createdAt' | 'internalId' | 'answer'>): ApprovalRequest {
    const request: ApprovalRequest = {
      ...input,
      uuid: this.random.uuid(),
      createdAt: this.now(),
      internalId: this.random.hex(24),
    };
    this.requests.set(request.uuid, request);
    return request;
  }

  get(uuid: string): ApprovalRequest | undefined {
    return this.requests.get(uuid);
  }

  forUser(authyId: number): ApprovalRequest[] {
    return [...this.requests.values()].filter((request) => request.authyId === authyId);
  }

  status(request: ApprovalRequest): ApprovalStatus {
    if (request.answer !== undefined) return request.answer.status;
    const expiresAt = expiresAtOf(request);
    return expiresAt !== null && this.now() >= expiresAt ? 'expired' : 'pending';
  }

  /** Records the person's answer; the caller checks the request is pending. */
  answer(request: ApprovalRequest, status: 'approved' | 'denied'): void {
    request.answer = {
      status,
      at: this.now(),
      deviceUuid: this.random.uuid(),
      // Stands in for the device's RSA signature of the transaction (docs/authy-api.md#17-onetouch-callback-signature `signature`).
      signature: Buffer.from(this.random.hex(512), 'hex').toString('base64'),
    };
  }
}

/** Epoch ms when a pending request expires, or null when it never does. */
export function expiresAtOf(request: ApprovalRequest): number | null {
  return request.secondsToExpire === 0 ? null : request.createdAt + request.secondsToExpire * 1000;
}

/** `GET /onetouch/json/approval_requests/:uuid` body (docs/authy-api.md#16-onetouch-approval-requests, the shape authy-client checks in #18-third-party-clients). */
export function approvalRequestBody(
  request: ApprovalRequest,
  status: ApprovalStatus,
  app: EmulatedApp,
): { approval_request: Record<string, unknown>; success: true } {
  const expiresAt = expiresAtOf(request);
  const processedAt =
    request.answer !== undefined
      ? request.answer.at
      : status === 'expired' && expiresAt !== null
        ? expiresAt
        : null;
  return {
    approval_request: {
      _app_name: app.name,
      _app_serial_id: app.id,
      _authy_id: request.authyId,
      _id: request.internalId,
      _user_email: request.email,
      app_id: app.hexId,
      created_at: isoSeconds(request.createdAt),
      notified: true,
      processed_at: processedAt === null ? null : isoSeconds(processedAt),
      seconds_to_expire: request.secondsToExpire,
      status,
      updated_at: isoSeconds(processedAt ?? request.createdAt),
      user_id: userHexId(request.authyId),
      uuid: request.uuid,
    },
    success: true,
  };
}

/** Twilio's samples show second precision: `2017-02-10T01:09:52Z`. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function userHexId(authyId: number): string {
  return hex8(hash32(authyId, 1, 31)) + hex8(hash32(authyId, 2, 31)) + hex8(hash32(authyId, 3, 31));
}
