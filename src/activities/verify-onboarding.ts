import { ApplicationFailure } from '@temporalio/common';
import type { DbPool } from '../db/pool';
import { findApprovalRequest, recordApprovalRequest } from '../db/approval-requests';
import type { ApprovalRequestKey } from '../db/approval-requests';
import type {
  ApprovalState,
  FactorEnrolment,
  FactorProvider,
  PushEnrolmentToken,
  VerifyFactorType,
} from '../second-factor/provider';
import { AUTHY_MISCONFIGURED } from '../shared/failures';
import { callVerify } from './provider-failure';

/** Dependencies of the Verify onboarding activities. */
export interface VerifyActivityDeps {
  pool: DbPool;
  /** Absent when this worker has no Verify configuration: the activities then fail as misconfigured (retried). */
  provider?: FactorProvider;
  /** The factor type of runs whose input names none (`VERIFY_FACTOR_TYPE`). */
  defaultFactorType: VerifyFactorType;
}

/**
 * Activities of onboardings on Twilio Verify (docs/verify.md). Separate from Authy's, so an Authy
 * run's activities and inputs are exactly what they were. Each is safe to retry: the entity is found
 * when it exists, reads have no effect, a TOTP verification with the same code is answered alike,
 * and a push challenge is recorded per run and attempt like a OneTouch push. A retried TOTP
 * registration can leave an unused unverified factor behind (the run uses the one it got).
 */
export function createVerifyOnboardingActivities(deps: VerifyActivityDeps) {
  function provider(): FactorProvider {
    if (deps.provider) return deps.provider;
    throw ApplicationFailure.create({
      type: AUTHY_MISCONFIGURED,
      message:
        'this worker has no Verify configuration (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, VERIFY_SERVICE_SID); ' +
        'the onboarding waits until a worker has',
    });
  }

  return {
    /** Registers the user's entity and, for TOTP, a new factor (its URI is in the encrypted result only). */
    async verifyEnrol(input: { userId: string; factorType?: VerifyFactorType }): Promise<FactorEnrolment> {
      const factorType = input.factorType ?? deps.defaultFactorType;
      return callVerify(() => provider().enrol({ userId: input.userId, factorType }));
    },

    /** Whether the factor is verified (the lost-webhook net; for push it also learns the factor SID). */
    async verifyReadFactor(input: {
      identity: string;
      factorType: VerifyFactorType;
      factorSid?: string;
    }): Promise<{ verified: boolean; factorSid?: string }> {
      return callVerify(() => provider().readFactor(input));
    },

    /** Verifies the TOTP factor with a code the person typed. */
    async verifySubmitTotp(input: {
      identity: string;
      factorSid: string;
      code: string;
    }): Promise<{ verified: boolean; locked: boolean }> {
      return callVerify(() => provider().verifyTotp(input));
    },

    /** A fresh push enrolment token for the person's device. */
    async verifyEnrolmentToken(input: { identity: string }): Promise<PushEnrolmentToken> {
      return callVerify(() => provider().createEnrolmentToken(input));
    },

    /**
     * Sends a push challenge; with an idempotency key (run and attempt) it is recorded in
     * `approval_requests` (the challenge SID as the approval uuid, the identity as the user id) and a
     * retry returns the recorded one. The gateway routes `challenge.approved|denied` by that record.
     */
    async verifyRequestChallenge(input: {
      identity: string;
      factorSid: string;
      message: string;
      expiresInSeconds: number;
      idempotencyKey: ApprovalRequestKey;
    }): Promise<{ challengeSid: string }> {
      const recorded = await findApprovalRequest(deps.pool, input.idempotencyKey);
      if (recorded) return { challengeSid: recorded };
      const { challengeSid } = await callVerify(() =>
        provider().requestChallenge({
          identity: input.identity,
          factorSid: input.factorSid,
          message: input.message,
          expiresInSeconds: input.expiresInSeconds,
        }),
      );
      return {
        challengeSid: await recordApprovalRequest(deps.pool, input.idempotencyKey, {
          approvalUuid: challengeSid,
          authyId: input.identity,
        }),
      };
    },

    /** Reads a challenge's status (the lost-webhook net). */
    async verifyReadChallenge(input: {
      identity: string;
      challengeSid: string;
    }): Promise<{ status: ApprovalState }> {
      return { status: await callVerify(() => provider().readChallenge(input)) };
    },
  };
}
