import { Deliverer } from './delivery/deliverer';
import type { EventName } from './event-names';
import type { EmulatedApp, EventObjects, ReportingEvent } from './event-objects';
import { recordEvent } from './events';
import { FaultEngine } from './faults';
import { ApprovalStore } from './onetouch/approval-store';
import { hash32, hex8, SeededRandom } from './random';
import { ReportingLog } from './reporting/reporting-log';
import { RequestLog } from './request-log';
import type { EmulatorSettings } from './settings';
import { TimerSet } from './timers';
import { UserStore } from './users/user-store';
import { VerifyState } from './verify/verify-state';
import type { TwilioCredentials } from './verify/verify-state';
import { WebhookRegistry } from './webhooks/webhook-registry';

/** The credentials the emulated application accepts (dev defaults in src/shared/dev-keys.ts). */
export interface EmulatorKeys {
  apiKey: string;
  accessKey: string;
  apiSigningKey: string;
}

/** Independent seeded streams: using one concern's randomness never shifts another's. */
const STREAM = { users: 1, faults: 2, deliveries: 3, approvals: 4, webhooks: 5, verify: 6 } as const;

/**
 * Everything the emulator holds. Routes read fields at call time, so `reset()` can swap in fresh
 * stores without rebuilding the app.
 */
export class EmulatorState {
  readonly app: EmulatedApp;
  /** Identifies the application in OneTouch callbacks (`transaction.customer_uuid`). */
  readonly customerUuid: string;
  readonly faults: FaultEngine;
  readonly requestLog: RequestLog;
  readonly timers = new TimerSet();
  settings: EmulatorSettings;
  reporting!: ReportingLog;
  users!: UserStore;
  approvals!: ApprovalStore;
  webhooks!: WebhookRegistry;
  deliverer!: Deliverer;
  /** Twilio Verify v2: services, entities, factors, challenges, webhooks. */
  verify!: VerifyState;

  constructor(
    readonly seed: number,
    readonly keys: EmulatorKeys,
    readonly now: () => number,
    private readonly initialSettings: EmulatorSettings,
    readonly twilio: TwilioCredentials,
  ) {
    const h = (salt: number) => hex8(hash32(seed, 0, salt));
    this.app = {
      id: 10_000 + (hash32(seed, 0, 11) % 90_000),
      name: 'twofold emulator',
      accountSid: `AC${h(12)}${h(13)}${h(14)}${h(15)}`,
      hexId: `${h(16)}${h(17)}${h(18)}`,
    };
    this.customerUuid = `${h(19)}-${h(20).slice(0, 4)}-${h(20).slice(4)}-${h(21).slice(0, 4)}-${h(21).slice(4)}${h(22)}`;
    this.faults = new FaultEngine(new SeededRandom(seed, STREAM.faults), now);
    this.requestLog = new RequestLog(now);
    this.settings = initialSettings;
    this.fresh();
  }

  /** Records an event and delivers it to subscribed webhooks (see events.ts). */
  record(event: EventName, objects: Omit<EventObjects, 'app'>): ReportingEvent {
    return recordEvent(this, event, objects);
  }

  /**
   * Back to the state right after start: no users, approval requests, webhooks, events, Verify
   * resources, faults or logged requests; settings as at start; pending deliveries and retries cancelled.
   */
  reset(): void {
    this.deliverer.close();
    this.timers.clear();
    this.faults.clear();
    this.requestLog.clear();
    this.settings = this.initialSettings;
    this.fresh();
  }

  /** Stops deliveries and timers for good. */
  close(): void {
    this.deliverer.close();
    this.timers.clear(true);
  }

  private fresh(): void {
    const { seed, now } = this;
    this.reporting = new ReportingLog({ seed, app: this.app, now });
    this.users = new UserStore(seed, new SeededRandom(seed, STREAM.users), now);
    this.approvals = new ApprovalStore(new SeededRandom(seed, STREAM.approvals), now);
    this.webhooks = new WebhookRegistry(new SeededRandom(seed, STREAM.webhooks), {
      accountSid: this.app.accountSid,
      serviceId: String(this.app.id),
    });
    this.deliverer = new Deliverer({
      timers: this.timers,
      random: new SeededRandom(seed, STREAM.deliveries),
      faults: (kind) => this.faults.deliveryFaults(kind),
      retry: () => this.settings.webhookRetry,
    });
    const deliverer = this.deliverer;
    this.verify = new VerifyState(this.twilio, now, new SeededRandom(seed, STREAM.verify), (job) =>
      deliverer.enqueue(job),
    );
  }
}
