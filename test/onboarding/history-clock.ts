// Rewrites the workflow clock recorded in a history, to replay a run as if its activations had read
// other times. Workflow code reads `Date.now()` as the start time of its workflow task, which replay
// takes from each WORKFLOW_TASK_STARTED event's `eventTime`.

/** A history in Temporal's JSON form (`temporal workflow show --output json`, historyToJSON). */
export interface HistoryJson {
  events: { eventType: string; eventTime: string; [key: string]: unknown }[];
}

const TASK_STARTED = 'EVENT_TYPE_WORKFLOW_TASK_STARTED';

/**
 * The history with a stale clock: every workflow task reads the time of the task before it, as in
 * the chaos run where the clock of one activation had not moved (docs/onboarding.md#durability).
 */
export function withStaleClock(history: HistoryJson): HistoryJson {
  let previous: string | undefined;
  return {
    ...history,
    events: history.events.map((event) => {
      if (event.eventType !== TASK_STARTED) return event;
      const recorded = event.eventTime;
      const stale = previous ?? recorded;
      previous = recorded;
      return { ...event, eventTime: stale };
    }),
  };
}

/** The history with every workflow task reading `ms` later than it did: a slow or late worker. */
export function withLateClock(history: HistoryJson, ms: number): HistoryJson {
  return {
    ...history,
    events: history.events.map((event) =>
      event.eventType === TASK_STARTED
        ? { ...event, eventTime: new Date(Date.parse(event.eventTime) + ms).toISOString() }
        : event,
    ),
  };
}
