import { createHmac } from 'node:crypto';

/**
 * The emulator's signer of Verify webhook deliveries: `X-Twilio-Signature` = base64 HMAC-SHA1 keyed
 * with the account auth token over the webhook URL followed by each form field's name and value,
 * names in ascending order. Deliveries have one value per name. (The gateway checks with its own
 * implementation in src/twilio/signature.ts; the tests hold the two against each other and Twilio's
 * vectors.)
 */
export function signVerifyWebhook(
  authToken: string,
  url: string,
  fields: ReadonlyMap<string, string>,
): string {
  const names = [...fields.keys()].sort();
  const signed = names.reduce((data, name) => `${data}${name}${fields.get(name)!}`, url);
  return createHmac('sha1', authToken).update(Buffer.from(signed, 'utf8')).digest('base64');
}
