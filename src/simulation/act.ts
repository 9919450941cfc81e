import type { EmulatorPeople } from './emulator-people';
import { phoneOf } from './person';
import type { PersonAction } from './person';
import type { SeededRandom } from './random';
import type { CohortMember } from './types';

/** What acting needs: the emulator's people, the run (for phone numbers) and its random source. */
export interface ActContext {
  people: EmulatorPeople;
  /** The simulation run's id: phone numbers are unique to it. */
  runId: string;
  random: SeededRandom;
}

/**
 * Does what `nextAction` (person.ts) chose through the emulator's control API — install the app, move to
 * a new number (another area code while the number is taken, up to six tries), or answer a push —
 * and notes it in the person's memory and list of actions.
 */
export async function performAction(
  context: ActContext,
  person: CohortMember,
  action: PersonAction,
): Promise<void> {
  const { people, runId, random } = context;
  if (action.kind === 'install') {
    await people.install(action.authyId);
    person.memory.installed = true;
    person.actions.push('install');
  } else if (action.kind === 'change-phone') {
    for (let attempt = 0; ; attempt += 1) {
      const area = attempt === 0 ? '556' : String(random.between(600, 899));
      const outcome = await people.changePhone(action.authyId, '1', phoneOf(runId, person.plan.index, area));
      if (outcome === 'changed' || attempt >= 5) break;
    }
    person.memory.phoneChanged = true;
    person.actions.push('change-phone');
  } else {
    const outcome = await people.respond(action.approvalUuid, action.status);
    person.memory.answered.add(action.approvalUuid);
    if (outcome === 'answered') person.actions.push(action.status);
  }
}
