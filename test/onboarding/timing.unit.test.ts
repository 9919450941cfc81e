import { DEFAULT_ONBOARDING_TIMING, MAX_STATUS_POLLS, timingProblem } from '../../src/shared/onboarding';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { FAST_TIMING } from '../harness/onboarding';

// The limits themselves; timing.test.ts checks that starts and runs apply them on real Temporal.
describe('onboarding timing limits', () => {
  it("when the timings are the defaults, the simulation or the tests' fast ones, then they are accepted", () => {
    expect(timingProblem()).toBeUndefined();
    expect(timingProblem(DEFAULT_ONBOARDING_TIMING)).toBeUndefined();
    expect(timingProblem(SIMULATION_TIMING)).toBeUndefined();
    expect(timingProblem({ ...FAST_TIMING, deviceStatusPollIntervalMs: 200 })).toBeUndefined();
  });

  it('when a duration is zero, negative or not a number, or a count is fractional, then the field is named', () => {
    expect(timingProblem({ deviceStatusPollIntervalMs: 0 })).toMatch(
      /deviceStatusPollIntervalMs must be a positive/,
    );
    expect(timingProblem({ approvalExpiryMs: -5 })).toMatch(/approvalExpiryMs must be a positive/);
    expect(timingProblem({ installGiveUpAfterMs: Number.NaN })).toMatch(/installGiveUpAfterMs/);
    expect(timingProblem({ maxInstallReminders: 1.5 })).toMatch(/maxInstallReminders must be a whole number/);
    expect(timingProblem({ maxApprovalAttempts: 0 })).toMatch(
      /maxApprovalAttempts must be a whole number of at least 1/,
    );
    expect(timingProblem({ pollEvery: 5 } as never)).toMatch(/timing.pollEvery is not a timing setting/);
  });

  it('when the timings would allow more status polls than the limit, then they are refused with the count', () => {
    // The default install wait is 4 days (3 daily reminders, then a day): 345,600 polls a second
    // apart, plus 3 approval requests × 10 polls.
    expect(timingProblem({ deviceStatusPollIntervalMs: 1_000 })).toMatch(
      new RegExp(`up to 345630 status polls .*at most ${MAX_STATUS_POLLS}`),
    );
    // Approval: attempts × (expiry / poll interval).
    expect(
      timingProblem({
        maxApprovalAttempts: 100,
        approvalExpiryMs: 600_000,
        approvalStatusPollIntervalMs: 1_000,
      }),
    ).toMatch(/status polls/);
  });
});
