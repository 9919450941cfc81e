import { createWebhooksApi, WEBHOOK_EVENTS } from '../../src/authy/webhooks-api';
import { DEV_AUTHY_KEYS } from '../../src/shared/dev-keys';
import { useEmulator } from './helpers';

// Reference 2.1/2.3: a webhook may subscribe to all 23 events, sent form-encoded as events[]=….
describe('emulator: long form-encoded arrays', () => {
  const emulator = useEmulator();

  it('when a webhook subscribes to all 23 events in one form, then the signature verifies and every event is kept', async () => {
    const api = createWebhooksApi({ baseUrl: emulator.url, ...DEV_AUTHY_KEYS });
    const created = await api.create({
      url: 'http://127.0.0.1:9/hook',
      name: 'all-events',
      events: WEBHOOK_EVENTS,
    });
    expect(created.webhook.events).toEqual([...WEBHOOK_EVENTS]);
    const listed = (await api.list()).find((w) => w.id === created.webhook.id);
    expect(listed?.events).toHaveLength(23);
  });
});
