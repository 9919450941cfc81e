import type { AuthyHttp } from '../authy/http';
import { createAuthyProvider } from '../authy/provider';
import { createAuthyReportingClient } from '../authy/reporting';
import type { AuthyReportingClient } from '../authy/reporting';
import type { DbPool } from '../db/pool';
import type { FactorProvider, SecondFactorProvider, VerifyFactorType } from '../second-factor/provider';
import { createDatabaseInfoActivities } from './database-info';
import { createOnboardingActivities } from './onboarding';
import { createReportingActivities } from './reporting';
import { createVerifyOnboardingActivities } from './verify-onboarding';

/** Everything activities need from the outside world, built once by the worker's composition root. */
export interface ActivityDeps {
  pool: DbPool;
  /** HTTP core for the Authy application (auth, timeouts, typed errors). */
  authyHttp: AuthyHttp;
  /** The 2FA service onboarding talks to; defaults to Authy over `authyHttp`. */
  secondFactor?: SecondFactorProvider;
  /** Twilio Verify for onboardings whose input names `verify`; absent when not configured. */
  verify?: FactorProvider;
  /** Factor type of Verify onboardings whose input names none (`VERIFY_FACTOR_TYPE`, default totp). */
  verifyFactorType?: VerifyFactorType;
  /** Reporting API client of the sync; defaults to one over `authyHttp`. */
  authyReporting?: AuthyReportingClient;
  /** Days a device's IP, user agent and name stay in reporting events (default 30). */
  reportingPersonalDataRetentionDays?: number;
}

/** Builds every activity the worker registers, closing over real I/O dependencies. */
export function createActivities(deps: ActivityDeps) {
  const provider = deps.secondFactor ?? createAuthyProvider(deps.authyHttp);
  return {
    ...createDatabaseInfoActivities(deps),
    ...createOnboardingActivities({ pool: deps.pool, provider }),
    ...createVerifyOnboardingActivities({
      pool: deps.pool,
      ...(deps.verify ? { provider: deps.verify } : {}),
      defaultFactorType: deps.verifyFactorType ?? 'totp',
    }),
    ...createReportingActivities({
      pool: deps.pool,
      reporting: deps.authyReporting ?? createAuthyReportingClient(deps.authyHttp),
      ...(deps.reportingPersonalDataRetentionDays === undefined
        ? {}
        : { personalDataRetentionDays: deps.reportingPersonalDataRetentionDays }),
    }),
  };
}

/** The activity interface workflows proxy (imported as a type only). */
export type Activities = ReturnType<typeof createActivities>;
