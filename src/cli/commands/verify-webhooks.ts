import { VERIFY_WEBHOOK_EVENTS } from '../../shared/verify-events';
import { listedNames } from '../arguments';
import { CliError, EXIT } from '../context';
import { explainVerify, verifyApi } from './verify-api';

/** Events an onboarding acts on: the device's factor verified, a push challenge answered. */
export const ONBOARDING_VERIFY_EVENTS = [
  'factor.verified',
  'challenge.approved',
  'challenge.denied',
] as const;

function parseVerifyEvents(values: string[] | undefined): string[] {
  if (values === undefined) return [...ONBOARDING_VERIFY_EVENTS];
  const names = listedNames(values);
  if (names.includes('all')) return ['*'];
  const known = new Set<string>(VERIFY_WEBHOOK_EVENTS);
  const unknown = names.filter((n) => !known.has(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new CliError(
      `unknown Verify event name(s): ${unknown.join(', ') || '(none given)'}\n  Known: ${VERIFY_WEBHOOK_EVENTS.join(', ')} (or "all")`,
      EXIT.usage,
    );
  }
  return [...new Set(names)];
}

/**
 * `twofold webhooks register --provider verify`: subscribes a URL (the gateway's
 * `/webhooks/twilio/verify`) to the Service's events. Verify signs deliveries with the account's auth
 * token, so there is no signing key to hand to the gateway (it needs TWILIO_AUTH_TOKEN).
 */
export async function registerVerifyWebhook(options: {
  url: string;
  events?: string[];
  name: string;
  json?: boolean;
}) {
  const events = parseVerifyEvents(options.events);
  const { client, config, serviceSid } = verifyApi({ needsService: true });
  const hook = await client
    .createWebhook(serviceSid, { friendlyName: options.name, url: options.url, eventTypes: events })
    .catch(explainVerify(config, 'cannot register the Verify webhook'));
  if (options.json) {
    console.log(JSON.stringify({ webhook: hook }));
    return;
  }
  console.log(
    `Verify webhook ${hook.sid} "${hook.friendly_name}" registered: ${hook.event_types.join(', ')} → ${hook.webhook_url}`,
  );
  console.log('  deliveries are signed with TWILIO_AUTH_TOKEN: give the gateway the same token');
}

/** `twofold webhooks list --provider verify`: the Service's webhooks. */
export async function listVerifyWebhooks(options: { json?: boolean }) {
  const { client, config, serviceSid } = verifyApi({ needsService: true });
  const hooks = await client
    .listWebhooks(serviceSid)
    .catch(explainVerify(config, 'cannot list Verify webhooks'));
  if (options.json) {
    console.log(JSON.stringify({ webhooks: hooks }));
    return;
  }
  if (hooks.length === 0) {
    console.log(
      'no Verify webhooks registered (add one with `twofold webhooks register --provider verify --url …`)',
    );
    return;
  }
  for (const h of hooks)
    console.log(`${h.sid}  ${h.friendly_name}  ${h.status}  ${h.webhook_url}  ${h.event_types.join(', ')}`);
}

/** `twofold webhooks delete --provider verify <YW…>`. */
export async function deleteVerifyWebhook(webhookSid: string, options: { json?: boolean }) {
  if (!/^YW[0-9a-fA-F]{32}$/.test(webhookSid)) {
    throw new CliError(
      'a Verify webhook id is YW followed by 32 hex digits (see `webhooks list --provider verify`)',
      EXIT.usage,
    );
  }
  const { client, config, serviceSid } = verifyApi({ needsService: true });
  await client
    .deleteWebhook(serviceSid, webhookSid)
    .catch(explainVerify(config, `cannot delete Verify webhook ${webhookSid}`));
  if (options.json) console.log(JSON.stringify({ deleted: webhookSid }));
  else console.log(`Verify webhook ${webhookSid} deleted`);
}
