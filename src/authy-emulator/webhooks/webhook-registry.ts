import type { WebhookEventName } from '../event-names';
import type { SeededRandom } from '../random';

/** A webhook as the Webhooks API returns it (docs/authy-api.md#21-webhook-management). */
export interface Webhook {
  id: string;
  name: string;
  account_sid: string;
  service_id: string;
  url: string;
  /** `WSK_…`: the HS256 key of this webhook's JWT deliveries. */
  signing_key: string;
  events: WebhookEventName[];
}

/** The application's registered webhooks, in creation order. */
export class WebhookRegistry {
  private readonly webhooks = new Map<string, Webhook>();

  constructor(
    private readonly random: SeededRandom,
    private readonly owner: { accountSid: string; serviceId: string },
  ) {}

  create(input: { name: string; url: string; events: WebhookEventName[] }): Webhook {
    const webhook: Webhook = {
      id: `WH_${this.random.uuid()}`,
      name: input.name,
      account_sid: this.owner.accountSid,
      service_id: this.owner.serviceId,
      url: input.url,
      signing_key: `WSK_${this.random.hex(40)}`,
      events: [...new Set(input.events)],
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  list(): Webhook[] {
    return [...this.webhooks.values()];
  }

  delete(id: string): boolean {
    return this.webhooks.delete(id);
  }

  subscribedTo(event: string): Webhook[] {
    return this.list().filter((webhook) => (webhook.events as string[]).includes(event));
  }
}
