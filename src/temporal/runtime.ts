import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Routes the Temporal SDK's own log lines (worker state, bundling, failures) through twofold's
 * structured logger. Installs once per process; must run before the first Worker or NativeConnection.
 */
export function installTemporalRuntime(log: Logger): void {
  if (installed) return;
  installed = true;
  const level = log.level === 'debug' || log.level === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: sdkLevel, message, meta }) => {
      const method = sdkLevelToPino(sdkLevel);
      log[method]({ ...(meta as LogMetadata) }, message);
    }),
  });
}

function sdkLevelToPino(level: LogLevel): 'trace' | 'debug' | 'info' | 'warn' | 'error' {
  switch (level) {
    case 'TRACE':
      return 'trace';
    case 'DEBUG':
      return 'debug';
    case 'INFO':
      return 'info';
    case 'WARN':
      return 'warn';
    default:
      return 'error';
  }
}
