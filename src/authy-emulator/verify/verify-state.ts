import type { DeliveryJob } from '../delivery/deliverer';
import type { SeededRandom } from '../random';
import type { VerifyWebhookEvent } from '../../shared/verify-events';
import type { Challenge, Factor } from './resources';
import { VerifyStore } from './store';
import { subscribes, verifyWebhookJob } from './webhook-delivery';

/** The Twilio account the Verify v2 emulation belongs to and the credentials it accepts. */
export interface TwilioCredentials {
  accountSid: string;
  /** Signs webhook deliveries; with the account SID, authenticates REST calls. */
  authToken: string;
  /** An API key (`SK…`) and its secret, also accepted for REST calls; null: none. */
  apiKey: string | null;
  apiSecret: string | null;
}

/** Everything the Verify v2 emulation holds; `EmulatorState.reset()` replaces it with a fresh one. */
export class VerifyState {
  readonly store: VerifyStore;

  constructor(
    readonly credentials: TwilioCredentials,
    readonly now: () => number,
    random: SeededRandom,
    private readonly deliver: (job: DeliveryJob) => void,
  ) {
    this.store = new VerifyStore(random);
  }

  /** Delivers an event to every enabled webhook of the factor's Service subscribed to its type. */
  emit(type: VerifyWebhookEvent, factor: Factor, challenge?: Challenge): void {
    const webhooks = this.store.webhooksOf(factor.serviceSid).filter((webhook) => subscribes(webhook, type));
    if (webhooks.length === 0) return;
    const event = {
      uuid: this.store.newUuid(),
      type,
      accountSid: this.credentials.accountSid,
      factor,
      ...(challenge === undefined ? {} : { challenge }),
      at: this.now(),
    };
    for (const webhook of webhooks)
      this.deliver(verifyWebhookJob(event, webhook, this.credentials.authToken));
  }
}
