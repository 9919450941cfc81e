/** The baseline workflow's only activity: returns at once. */
export function createBaselineActivities() {
  return {
    async noop(): Promise<void> {},
  };
}
