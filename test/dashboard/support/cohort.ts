import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { cancelOnboarding, startOnboarding } from '../../../src/client/onboarding';
import type { StartedOnboarding } from '../../../src/client/onboarding';
import type { OnboardingStage, OnboardingStatus } from '../../../src/shared/onboarding';
import { statusQuery } from '../../../src/workflows/onboarding/messages';
import type { EmulatorHarness } from '../../harness/emulator';
import { FAST_TIMING, uniquePhone } from '../../harness/onboarding';
import { waitFor } from '../../harness/wait-for';

/** What each person of the cohort does; the counts of a {@link runCohort}. */
export interface CohortPlan {
  /** Install the app and approve the push: `enabled`. */
  approve: number;
  /** Install the app and deny the push: `denied`. */
  deny: number;
  /** Install the app and ignore the push: stays in `awaiting_approval`. */
  ignorePush: number;
  /** Never install the app: stays in `awaiting_device`. */
  neverInstall: number;
  /** Cancelled by an operator while waiting for the install: `cancelled`. */
  cancel: number;
}

export interface CohortMember extends StartedOnboarding {
  userId: string;
  authyId: string;
}

export type CohortResult = Record<keyof CohortPlan, CohortMember[]>;

/**
 * Simulated people going through onboarding on a real worker: each is started, then acts through
 * the emulator's control API; the workflows learn of it through their status checks (polled fast).
 * Resolves once every member has reached its intended stage.
 */
export async function runCohort(
  env: { client: Client; taskQueue: string; emulator: EmulatorHarness },
  plan: CohortPlan,
): Promise<CohortResult> {
  // awaiting_approval is entered before the push is sent: wait for its uuid too.
  const stageOf = (member: StartedOnboarding, stage: OnboardingStage) =>
    waitFor(
      () => member.handle.query(statusQuery),
      (status: OnboardingStatus) =>
        status.stage === stage && (stage !== 'awaiting_approval' || status.approvalUuid !== undefined),
      { timeoutMs: 30_000, what: `${member.workflowId} to reach ${stage}` },
    );

  async function person(role: keyof CohortPlan): Promise<CohortMember> {
    const userId = `dash-cohort-${randomUUID()}`;
    const started = await startOnboarding(
      env.client,
      {
        userId,
        email: `person-${randomUUID().slice(0, 8)}@example.com`,
        countryCode: '1',
        cellphone: uniquePhone(),
        timing: { ...FAST_TIMING, deviceStatusPollIntervalMs: 300, approvalStatusPollIntervalMs: 300 },
      },
      { taskQueue: env.taskQueue },
    );
    const { authyId } = await stageOf(started, 'awaiting_device');
    const member = { ...started, userId, authyId: authyId! };
    if (role === 'neverInstall') return member;
    if (role === 'cancel') {
      await cancelOnboarding(env.client, userId, { reason: 'dashboard test cohort' });
      return member;
    }
    await env.emulator.control('POST', `/users/${authyId}/install`);
    const { approvalUuid } = await stageOf(started, 'awaiting_approval');
    if (role === 'ignorePush') return member;
    const answer = role === 'approve' ? 'approved' : 'denied';
    await env.emulator.control('POST', `/approval_requests/${approvalUuid}/respond`, { status: answer });
    await stageOf(started, role === 'approve' ? 'enabled' : 'denied');
    return member;
  }

  const roles = (Object.keys(plan) as (keyof CohortPlan)[]).flatMap((role) =>
    Array.from({ length: plan[role] }, () => role),
  );
  const members = await Promise.all(roles.map((role) => person(role)));
  const result: CohortResult = { approve: [], deny: [], ignorePush: [], neverInstall: [], cancel: [] };
  members.forEach((member, i) => result[roles[i]!].push(member));
  return result;
}
