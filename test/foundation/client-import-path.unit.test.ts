import * as moved from '../../src/client/onboarding';
import * as former from '../../src/onboarding/client';

describe('the client helpers import path applications used before the move', () => {
  it('when an application imports twofold/src/onboarding/client, then it gets the same functions as src/client/onboarding', () => {
    expect(Object.keys(former).sort()).toEqual(Object.keys(moved).sort());
    expect(former.startOnboarding).toBe(moved.startOnboarding);
    expect(former.getOnboardingStatus).toBe(moved.getOnboardingStatus);
  });
});
