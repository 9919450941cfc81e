import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata, TelemetryOptions } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/** What {@link installTemporalRuntime} sets up besides logging. */
export interface TemporalRuntimeOptions {
  /**
   * `host:port` where the SDK serves its Prometheus metrics at `/metrics` (workflow task failures,
   * schedule-to-start latency, sticky cache; see docs/operating.md). Off when unset.
   */
  metricsBindAddress?: string;
  /**
   * Least severe SDK log level passed on; core's own lines (which core prints to stderr) are filtered
   * at it too. Default: WARN, or DEBUG when the logger is at debug or trace.
   */
  logLevel?: LogLevel;
}

/**
 * Routes the Temporal SDK's own log lines (worker state, bundling, failures) through twofold's
 * structured logger and, when asked, serves the SDK's Prometheus metrics. The native runtime exists
 * once per process: this installs it once, and must run before the first Worker or NativeConnection.
 */
export function installTemporalRuntime(log: Logger, options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const level = options.logLevel ?? (log.level === 'debug' || log.level === 'trace' ? 'DEBUG' : 'WARN');
  const telemetryOptions = {
    ...(options.logLevel ? { logging: { filter: { core: options.logLevel, other: 'ERROR' } } } : {}),
    ...(options.metricsBindAddress
      ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } }
      : {}),
  } satisfies TelemetryOptions;
  Runtime.install({
    telemetryOptions,
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
