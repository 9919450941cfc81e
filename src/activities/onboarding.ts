import type { DbPool } from '../db/pool';
import { findApprovalRequest, recordApprovalRequest } from '../db/approval-requests';
import type { ApprovalRequestKey } from '../db/approval-requests';
import { recordOnboardingProgress, recordPhoneChange } from '../db/onboardings';
import type { OnboardingProgressRow } from '../db/onboardings';
import type { ApprovalState, EnrolmentContact, SecondFactorProvider } from '../second-factor/provider';
import { callAuthy } from './provider-failure';

/** Dependencies of the onboarding activities. */
export interface OnboardingActivityDeps {
  pool: DbPool;
  provider: SecondFactorProvider;
}

/**
 * Stage change reported by the workflow: the customer record's {@link OnboardingProgressRow} with its
 * timestamps as ISO 8601 strings (workflow time). Authy runs send no `provider`, so their inputs are
 * as before Verify existed.
 */
export type RecordProgressInput = Omit<OnboardingProgressRow, 'startedAt' | 'stageEnteredAt'> & {
  startedAt: string;
  stageEnteredAt: string;
};

export interface RecordPhoneChangeInput {
  eventId: string;
  userId: string;
  authyId: string;
  changedAt: string;
}

/**
 * Activities of the onboardUser workflow. Each is safe to retry: registration is idempotent per
 * phone at Authy, reads have no effect, database writes are keyed upserts. Creating an approval
 * request is the one call Authy cannot deduplicate: it is recorded per run and attempt.
 */
export function createOnboardingActivities({ pool, provider }: OnboardingActivityDeps) {
  return {
    /** Registers the user with the provider (sends the install SMS); returns the Authy id. */
    async registerUser(contact: EnrolmentContact): Promise<{ authyId: string }> {
      const { factorUserId } = await callAuthy(() => provider.registerUser(contact));
      return { authyId: factorUserId };
    },

    /** Whether the user already has the app on a device (skip the wait, or the lost-webhook net). */
    async readDeviceStatus(input: { authyId: string }): Promise<{ deviceRegistered: boolean }> {
      return { deviceRegistered: await callAuthy(() => provider.hasRegisteredDevice(input.authyId)) };
    },

    /** Sends the app-install link again (a reminder). */
    async resendInstallLink(contact: EnrolmentContact): Promise<void> {
      await callAuthy(() => provider.resendInstallLink(contact));
    },

    /**
     * Sends a OneTouch push approval request; returns its uuid. With an idempotency key (run and
     * attempt) the push is recorded in PostgreSQL and a retry returns the recorded one instead of
     * sending another (the insert is retried for up to 20 s); only a worker crash between Authy's
     * answer and the insert can still repeat it.
     */
    async requestApproval(input: {
      authyId: string;
      message: string;
      expiresInSeconds: number;
      idempotencyKey?: ApprovalRequestKey;
    }): Promise<{ approvalUuid: string }> {
      const key = input.idempotencyKey;
      const recorded = key ? await findApprovalRequest(pool, key) : undefined;
      if (recorded) return { approvalUuid: recorded };
      const { approvalId } = await callAuthy(() =>
        provider.requestApproval({
          factorUserId: input.authyId,
          message: input.message,
          details: {},
          expiresInSeconds: input.expiresInSeconds,
        }),
      );
      if (!key) return { approvalUuid: approvalId };
      // The push is out: record it even through a short PostgreSQL outage, since a retry of this
      // activity that finds no record would send a second push.
      return {
        approvalUuid: await persistently(() =>
          recordApprovalRequest(pool, key, { approvalUuid: approvalId, authyId: input.authyId }),
        ),
      };
    },

    /** Reads an approval request's status (the lost-callback net). */
    async readApproval(input: { approvalUuid: string }): Promise<{ status: ApprovalState }> {
      return { status: await callAuthy(() => provider.readApproval(input.approvalUuid)) };
    },

    /** Writes the stage change to the customer record (idempotent per run and seq). */
    async recordProgress(input: RecordProgressInput): Promise<void> {
      await recordOnboardingProgress(pool, {
        ...input,
        startedAt: new Date(input.startedAt),
        stageEnteredAt: new Date(input.stageEnteredAt),
      });
    },

    /** Adds a phone change to the customer record's history (idempotent per event). */
    async recordPhoneChange(input: RecordPhoneChangeInput): Promise<void> {
      await recordPhoneChange(pool, { ...input, changedAt: new Date(input.changedAt) });
    },
  };
}

/** How long `requestApproval` keeps trying to record a push it sent (below its 30 s start-to-close). */
const RECORD_PUSH_FOR_MS = 20_000;

/**
 * Runs `write` until it succeeds or {@link RECORD_PUSH_FOR_MS} have passed (then throws its last
 * error), waiting 250 ms doubling to 2 s between tries.
 */
async function persistently<T>(write: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RECORD_PUSH_FOR_MS;
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + delayMs > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
