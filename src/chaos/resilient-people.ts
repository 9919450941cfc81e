import { EmulatorControlError } from '../simulation/emulator-people';
import type { EmulatorPeople } from '../simulation/emulator-people';
import { delay } from '../shared/poll';

/**
 * The emulator's people, patient through an outage: a control call that fails because the emulator
 * is down (killed by the chaos suite) is tried again every half second for up to `patienceMs`, as a
 * person would try again later. Answers the emulator gave (not pending, phone taken) pass through.
 */
export function resilientPeople(people: EmulatorPeople, patienceMs = 60_000): EmulatorPeople {
  async function patiently<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + patienceMs;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof EmulatorControlError) || Date.now() > deadline) throw error;
        await delay(500);
      }
    }
  }
  return {
    health: () => patiently(() => people.health()),
    install: (authyId) => patiently(() => people.install(authyId)),
    respond: (uuid, status) => patiently(() => people.respond(uuid, status)),
    changePhone: (authyId, countryCode, cellphone) =>
      patiently(() => people.changePhone(authyId, countryCode, cellphone)),
  };
}
