import type { FactorProvider } from '../second-factor/provider';
import type { VerifyClient } from './client';
import { VERIFY_ERROR_CODES, VerifyApiError } from './errors';
import { verifyIdentity } from './identity';

/** Where the Verify provider enrols people. */
export interface VerifyProviderOptions {
  /** The Verify Service (`VA…`) onboardings use (`twofold verify service ensure`). */
  serviceSid: string;
  /** Lifetime of a push enrolment token in seconds (Twilio: 60–300; default 300). */
  enrolmentTokenTtlSeconds?: number;
}

/** Twilio's longest push challenge (https://www.twilio.com/docs/verify/api/challenge): one hour. */
export const MAX_CHALLENGE_SECONDS = 60 * 60;

/**
 * The Twilio Verify v2 implementation of {@link FactorProvider} (docs/verify.md). The entity identity
 * is derived from the user id ({@link verifyIdentity}); the TOTP factor's friendly name (the account
 * name the person's authenticator app shows) is the user id, never an email or phone.
 */
export function createVerifyProvider(client: VerifyClient, options: VerifyProviderOptions): FactorProvider {
  const { serviceSid } = options;

  async function ensureEntity(identity: string): Promise<void> {
    try {
      await client.createEntity(serviceSid, identity);
    } catch (error) {
      // 60301: the entity exists (an earlier run of this user, or a retry of this activity).
      if (!(error instanceof VerifyApiError && error.code === VERIFY_ERROR_CODES.entityExists)) throw error;
    }
  }

  return {
    async enrol({ userId, factorType }) {
      const identity = verifyIdentity(userId);
      await ensureEntity(identity);
      if (factorType === 'push') return { factorType, identity, serviceSid };
      const factor = await client.createTotpFactor(serviceSid, identity, userId);
      return { factorType, identity, serviceSid, factorSid: factor.sid, uri: factor.binding.uri };
    },

    async readFactor({ identity, factorType, factorSid }) {
      if (factorSid !== undefined) {
        const factor = await client.fetchFactor(serviceSid, identity, factorSid);
        return { verified: factor.status === 'verified', factorSid };
      }
      const factors = await client.listFactors(serviceSid, identity);
      const verified = factors.find((f) => f.factor_type === factorType && f.status === 'verified');
      return verified ? { verified: true, factorSid: verified.sid } : { verified: false };
    },

    async verifyTotp({ identity, factorSid, code }) {
      try {
        const factor = await client.verifyFactor(serviceSid, identity, factorSid, code);
        return { verified: factor.status === 'verified', locked: false };
      } catch (error) {
        // 60310: five wrong codes; Twilio refuses further tries on this factor.
        if (error instanceof VerifyApiError && error.code === VERIFY_ERROR_CODES.factorAttemptsLimit) {
          return { verified: false, locked: true };
        }
        throw error;
      }
    },

    async createEnrolmentToken({ identity }) {
      const token = await client.createAccessToken(serviceSid, {
        identity,
        ttlSeconds: options.enrolmentTokenTtlSeconds ?? 300,
      });
      return { accessToken: token.token, identity, serviceSid };
    },

    async requestChallenge({ identity, factorSid, message, expiresInSeconds }) {
      const seconds = Math.min(Math.max(expiresInSeconds, 1), MAX_CHALLENGE_SECONDS);
      const challenge = await client.createPushChallenge(serviceSid, identity, {
        factorSid,
        message,
        expiresAt: new Date(Date.now() + seconds * 1000),
      });
      return { challengeSid: challenge.sid };
    },

    async readChallenge({ identity, challengeSid }) {
      const challenge = await client.fetchChallenge(serviceSid, identity, challengeSid);
      return challenge.status;
    },
  };
}
