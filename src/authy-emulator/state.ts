import type { EmulatedApp } from './event-objects';
import { FaultEngine } from './faults';
import { hash32, hex8, SeededRandom } from './random';
import { ReportingLog } from './reporting/reporting-log';
import { RequestLog } from './request-log';
import { TimerSet } from './timers';

/** The credentials the emulated application accepts (dev defaults in src/shared/dev-keys.ts). */
export interface EmulatorKeys {
  apiKey: string;
  accessKey: string;
  apiSigningKey: string;
}

/** Independent seeded streams: using one concern's randomness never shifts another's. */
const STREAM = { ids: 1, faults: 2, deliveries: 3 } as const;

/**
 * Everything the emulator holds. Routes read fields at call time, so `reset()` can swap in fresh
 * stores without rebuilding the app.
 */
export class EmulatorState {
  readonly app: EmulatedApp;
  ids: SeededRandom;
  readonly faults: FaultEngine;
  reporting: ReportingLog;
  readonly requestLog: RequestLog;
  readonly timers = new TimerSet();

  constructor(
    readonly seed: number,
    readonly keys: EmulatorKeys,
    readonly now: () => number,
  ) {
    this.app = {
      id: 10_000 + (hash32(seed, 0, 11) % 90_000),
      name: 'twofold emulator',
      accountSid: `AC${hex8(hash32(seed, 0, 12))}${hex8(hash32(seed, 0, 13))}${hex8(hash32(seed, 0, 14))}${hex8(hash32(seed, 0, 15))}`,
      hexId: `${hex8(hash32(seed, 0, 16))}${hex8(hash32(seed, 0, 17))}${hex8(hash32(seed, 0, 18))}`,
    };
    this.ids = new SeededRandom(seed, STREAM.ids);
    this.faults = new FaultEngine(new SeededRandom(seed, STREAM.faults), now);
    this.reporting = new ReportingLog({ seed, app: this.app, now });
    this.requestLog = new RequestLog(now);
  }

  /** Back to the state right after start: no users, events, webhooks, faults or logged requests. */
  reset(): void {
    this.ids = new SeededRandom(this.seed, STREAM.ids);
    this.faults.clear();
    this.reporting = new ReportingLog({ seed: this.seed, app: this.app, now: this.now });
    this.requestLog.clear();
  }
}
