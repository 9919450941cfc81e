import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Installs the Temporal SDK runtime of the chaos suite's own process with errors only: replaying a
 * history that does not replay makes core log every failed workflow task, and the suite reports
 * those itself. A runtime already installed in this process (another test file) is kept.
 */
export function installQuietTemporalRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'IllegalStateError') throw error;
  }
}
