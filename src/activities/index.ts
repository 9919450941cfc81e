import type { DbPool } from '../db/pool';
import { createDatabaseInfoActivities } from './database-info';

/** Everything activities need from the outside world, built once by the worker's composition root. */
export interface ActivityDeps {
  pool: DbPool;
}

/** Builds every activity the worker registers, closing over real I/O dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDatabaseInfoActivities(deps),
  };
}

/** The activity interface workflows proxy (imported as a type only). */
export type Activities = ReturnType<typeof createActivities>;
