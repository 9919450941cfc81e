// What applications (and the CLI) call to run onboardings, as a Temporal client: start, status,
// cancel, the Verify enrollment and TOTP code, the stuck ones (docs/onboarding.md).
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { onboardingWorkflowId, timingProblem, userIdProblem, withResolvedTiming } from '../shared/onboarding';
import { PROVIDER_NAMES, VERIFY_FACTOR_TYPES } from '../second-factor/provider';
import type { ProviderName, VerifyFactorType } from '../second-factor/provider';
import type {
  CancelRequest,
  EnrollmentInfo,
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
} from '../shared/onboarding';
import { ONBOARDING_STAGE, ONBOARDING_STAGE_ENTERED_AT } from '../shared/search-attributes';
import { assertEncryptingClient } from '../temporal/data-converter';
import {
  cancelUpdate,
  getEnrollmentUpdate,
  statusQuery,
  submitTotpCodeUpdate,
} from '../workflows/onboarding/messages';
import type { onboardUser } from '../workflows/onboarding/onboard-user';

// Applications build their client with the same data converter as twofold's worker (payloads
// encrypted with TWOFOLD_PAYLOAD_KEYS): connectClient(config.temporal), or their own Client with
// dataConverter: createDataConverter(keys). See docs/security.md, "Payload encryption".
export { connectClient } from '../temporal/connection';
export { createDataConverter, UnencryptedClientError } from '../temporal/data-converter';

/** Raised before anything is sent when an onboarding input is unusable. */
export class InvalidOnboardingInputError extends Error {
  override name = 'InvalidOnboardingInputError';
}

/** Where `startOnboarding` starts the workflow. */
export interface StartOnboardingOptions {
  taskQueue: string;
  /**
   * The provider of an input that names none (the deployment's `TWOFOLD_PROVIDER`; default `authy`).
   * Workflows cannot read the environment, so the starter resolves it into the input.
   */
  provider?: ProviderName;
  /** Verify: the factor type of an input that names none (`VERIFY_FACTOR_TYPE`). */
  factorType?: VerifyFactorType;
}

/** A started (or already running) onboarding. */
export interface StartedOnboarding {
  workflowId: string;
  runId: string;
  handle: WorkflowHandle<typeof onboardUser>;
}

function validate(input: OnboardUserInput): void {
  const problem = userIdProblem(input.userId);
  if (problem) throw new InvalidOnboardingInputError(problem);
  if (!/^\d{1,4}$/.test(input.countryCode)) {
    throw new InvalidOnboardingInputError('countryCode must be a numeric calling code such as 1 or 57');
  }
  if (!/^[\d\s().-]{4,20}$/.test(input.cellphone)) {
    throw new InvalidOnboardingInputError('cellphone must be 4-20 digits (spaces, dots, dashes allowed)');
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email)) {
    throw new InvalidOnboardingInputError('email must be an email address');
  }
  const timing = timingProblem(input.timing);
  if (timing) throw new InvalidOnboardingInputError(timing);
  if (input.provider !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(input.provider)) {
    throw new InvalidOnboardingInputError(`provider must be one of ${PROVIDER_NAMES.join(', ')}`);
  }
  if (input.factorType !== undefined) {
    if (!(VERIFY_FACTOR_TYPES as readonly string[]).includes(input.factorType)) {
      throw new InvalidOnboardingInputError(`factorType must be one of ${VERIFY_FACTOR_TYPES.join(', ')}`);
    }
    if (input.provider !== 'verify') {
      throw new InvalidOnboardingInputError('factorType applies only to provider "verify"');
    }
  }
}

/** The input with the provider (and, for Verify, the factor type) resolved from the starter's defaults. */
function withResolvedProvider(input: OnboardUserInput, options: StartOnboardingOptions): OnboardUserInput {
  const provider = input.provider ?? options.provider ?? 'authy';
  const factorType = provider === 'verify' ? (input.factorType ?? options.factorType) : undefined;
  return { ...input, provider, ...(factorType === undefined ? {} : { factorType }) };
}

/**
 * Starts a user's onboarding, or returns the one already running: the workflow id is
 * `onboarding-<userId>` and a start while a run is open attaches to that run (never a second run).
 * After a run has finished, a new start begins a fresh onboarding. The client must encrypt payloads
 * (the input holds an email and a phone number): one without twofold's data converter is refused
 * with an `UnencryptedClientError` before anything is sent.
 */
export async function startOnboarding(
  client: Client,
  input: OnboardUserInput,
  options: StartOnboardingOptions,
): Promise<StartedOnboarding> {
  const resolved = withResolvedProvider(input, options);
  validate(resolved);
  assertEncryptingClient(client);
  const workflowId = onboardingWorkflowId(input.userId);
  const handle = await client.workflow.start<typeof onboardUser>('onboardUser', {
    workflowId,
    taskQueue: options.taskQueue,
    // The resolved timing travels in the input: a later change of a default never alters this run.
    args: [withResolvedTiming(resolved)],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [
      { key: ONBOARDING_STAGE, value: 'registering' },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date() },
    ],
  });
  return { workflowId, runId: handle.firstExecutionRunId, handle };
}

/** The `status` query of a user's current (or last) onboarding run. */
export async function getOnboardingStatus(client: Client, userId: string): Promise<OnboardingStatus> {
  return client.workflow.getHandle(onboardingWorkflowId(userId)).query(statusQuery);
}

/**
 * What a Verify onboarding's person needs to enrol (`getEnrollment`): the TOTP URI to scan, or a fresh
 * push enrolment token. Waits for registration; rejected for Authy onboardings and finished ones.
 * The URI is a secret: show it to the person, never log or store it.
 */
export async function getEnrollment(client: Client, userId: string): Promise<EnrollmentInfo> {
  return client.workflow
    .getHandle(onboardingWorkflowId(userId))
    .executeUpdate(getEnrollmentUpdate, { args: [] });
}

/** Submits the person's first TOTP code (`submitTotpCode`); `accepted: false` for a wrong code. */
export async function submitTotpCode(
  client: Client,
  userId: string,
  code: string,
): Promise<{ accepted: boolean }> {
  return client.workflow
    .getHandle(onboardingWorkflowId(userId))
    .executeUpdate(submitTotpCodeUpdate, { args: [{ code }] });
}

/** Cancels a user's open onboarding and returns its final status. */
export async function cancelOnboarding(
  client: Client,
  userId: string,
  request: CancelRequest = {},
): Promise<OnboardingStatus> {
  return client.workflow
    .getHandle(onboardingWorkflowId(userId))
    .executeUpdate(cancelUpdate, { args: [request] });
}

/** One onboarding found by {@link findStuckOnboardings}. */
export interface StuckOnboarding {
  workflowId: string;
  runId: string;
  stage: OnboardingStage;
  stageEnteredAt: Date;
  startTime: Date;
}

/**
 * Lists open onboardings waiting in `stage` (default: any non-final stage) since before
 * `enteredBefore`, with one visibility query — the same filter an operator types in the Web UI:
 * `OnboardingStage = '…' AND OnboardingStageEnteredAt < '…'`.
 */
export async function findStuckOnboardings(
  client: Client,
  options: { stage?: OnboardingStage; enteredBefore?: Date; limit?: number } = {},
): Promise<StuckOnboarding[]> {
  const found: StuckOnboarding[] = [];
  for await (const execution of client.workflow.list({ query: stuckOnboardingsQuery(options) })) {
    const stage = execution.typedSearchAttributes.get(ONBOARDING_STAGE) as OnboardingStage | undefined;
    const stageEnteredAt = execution.typedSearchAttributes.get(ONBOARDING_STAGE_ENTERED_AT);
    if (!stage || !stageEnteredAt) continue;
    found.push({
      workflowId: execution.workflowId,
      runId: execution.runId,
      stage,
      stageEnteredAt,
      startTime: execution.startTime,
    });
    if (options.limit !== undefined && found.length >= options.limit) break;
  }
  return found;
}

/** The visibility query of {@link findStuckOnboardings}; paste it into the Web UI's filter box. */
export function stuckOnboardingsQuery(
  options: { stage?: OnboardingStage; enteredBefore?: Date } = {},
): string {
  const clauses = [`WorkflowType = 'onboardUser'`, `ExecutionStatus = 'Running'`];
  clauses.push(
    options.stage
      ? `OnboardingStage = '${options.stage}'`
      : `OnboardingStage IN ('registering', 'awaiting_device', 'awaiting_approval')`,
  );
  clauses.push(`OnboardingStageEnteredAt < '${(options.enteredBefore ?? new Date()).toISOString()}'`);
  return clauses.join(' AND ');
}
