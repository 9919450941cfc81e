// The bookkeeping of one onboarding run: the status the `status` query answers, entering a stage
// (search attributes and the customer record), and writing each change to the customer record under
// the next sequence number (docs/onboarding.md#what-operators-see). Workflow code: a change to the
// commands these methods issue, or to their order, must sit behind `patched()` (docs/onboarding.md#durability).
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { FINAL_STAGES } from '../../shared/onboarding';
import type {
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
  OnboardingTiming,
  PhoneChangedInput,
} from '../../shared/onboarding';
import { AUTHY_ID, ONBOARDING_STAGE, ONBOARDING_STAGE_ENTERED_AT } from '../../shared/search-attributes';
import type { EnrolmentContact } from '../../second-factor/provider';
import { records } from './activity-proxies';

/** The status of one onboarding run and its record in the customer record. */
export class OnboardingRun {
  /** The `status` query's answer, updated in place (the waits and the Verify half change it too). */
  readonly status: OnboardingStatus;
  /** Who is enrolled: passed to the provider, never logged. */
  readonly contact: EnrolmentContact;
  /**
   * The provider's user id the customer record keys the run by when it is not `status.authyId`:
   * a Verify run's entity identity, set once the Verify half exists.
   */
  providerIdentity: () => string | undefined = () => undefined;
  private readonly workflowId: string;
  private readonly runId: string;
  private readonly startedAt: string;
  /** Sequence number of the customer record's latest write for this run. */
  private seq = 0;

  constructor(
    private readonly input: OnboardUserInput,
    /** The run's resolved timing (see docs/onboarding.md#timing). */
    readonly timing: OnboardingTiming,
  ) {
    ({ workflowId: this.workflowId, runId: this.runId } = workflowInfo());
    this.startedAt = new Date(Date.now()).toISOString();
    this.contact = { email: input.email, countryCode: input.countryCode, cellphone: input.cellphone };
    this.status = {
      userId: input.userId,
      stage: 'registering',
      remindersSent: 0,
      approvalAttempts: 0,
      phoneChanges: 0,
      stageEnteredAt: this.startedAt,
      provider: input.provider ?? 'authy',
    };
  }

  /** True once the run is in a final stage. */
  isFinal(): boolean {
    return FINAL_STAGES.includes(this.status.stage);
  }

  /** A copy of the status, for the `status` query and the run's result. */
  snapshot(): OnboardingStatus {
    return { ...this.status };
  }

  /** The run's first write: the `registering` search attributes and record (sequence 0). */
  begin(): Promise<void> {
    upsertSearchAttributes([
      { key: ONBOARDING_STAGE, value: 'registering' },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date(this.status.stageEnteredAt) },
    ]);
    return this.recordCurrentState();
  }

  /** Moves the run to `stage` (with the reason for a final one) and records the change. */
  async enterStage(stage: OnboardingStage, reason?: string): Promise<void> {
    const { status } = this;
    status.stage = stage;
    status.stageEnteredAt = new Date(Date.now()).toISOString();
    if (reason === undefined) delete status.reason;
    else status.reason = reason;
    upsertSearchAttributes([
      { key: ONBOARDING_STAGE, value: stage },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date(status.stageEnteredAt) },
      ...(status.authyId ? [{ key: AUTHY_ID, value: status.authyId }] : []),
    ]);
    await this.recordChange();
  }

  /** Writes the current status to the customer record as a new change (next sequence number). */
  async recordChange(): Promise<void> {
    this.seq += 1;
    await this.recordCurrentState();
  }

  /** Writes the current status to the customer record again, under the latest sequence number. */
  async recordCurrentState(): Promise<void> {
    const { input, status } = this;
    const identity = this.providerIdentity();
    await records.recordProgress({
      userId: input.userId,
      workflowId: this.workflowId,
      runId: this.runId,
      seq: this.seq,
      stage: status.stage,
      remindersSent: status.remindersSent,
      startedAt: this.startedAt,
      stageEnteredAt: status.stageEnteredAt,
      final: this.isFinal(),
      // Only Verify runs name their provider: an Authy run's activity input stays as it always was.
      ...(input.provider === 'verify' ? { provider: 'verify' as const } : {}),
      ...(status.authyId ? { authyId: status.authyId } : {}),
      // Verify: the entity identity is the record's provider user id (the gateway finds the run by it).
      ...(identity ? { authyId: identity } : {}),
      ...(status.approvalUuid ? { approvalUuid: status.approvalUuid } : {}),
      ...(status.challengeSid ? { approvalUuid: status.challengeSid } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    });
  }

  /** Counts a phone change (already checked and deduplicated) and records it. */
  async recordPhoneChange(change: PhoneChangedInput): Promise<void> {
    this.status.phoneChanges += 1;
    await records.recordPhoneChange({
      eventId: change.eventId,
      userId: this.input.userId,
      authyId: change.authyId,
      changedAt: change.occurredAt ?? new Date(Date.now()).toISOString(),
    });
  }
}
