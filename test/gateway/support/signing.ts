import { createHmac, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { computeAuthySignature } from '../../../src/authy/signature';

export const WEBHOOK_KEY = 'WSK_test_current_key_0123456789abcdef';
export const PREVIOUS_WEBHOOK_KEY = 'WSK_test_previous_key_0123456789abcd';
export const API_KEY = 'test-authy-api-key-0000000000000000';
export const PUBLIC_URL = 'https://hooks.twofold.example';

/** A fresh numeric authy id, unlikely to collide with any other test's. */
export function uniqueAuthyId(): string {
  return String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));
}

/** Claims of a webhook delivery as the emulator sends them (docs/contract.md#5-webhook-gateway). */
export function webhookClaims(
  event: string,
  authyId: string,
  objects: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: `EV_${randomUUID()}`,
    webhook_id: 'WH_test',
    event,
    time: new Date().toISOString(),
    request_id: randomUUID().replace(/-/g, ''),
    objects: { user: { authy_id: Number(authyId) }, ...objects },
  };
}

/** An HS256 JWT over `claims`. */
export function signWebhook(
  claims: Record<string, unknown>,
  key = WEBHOOK_KEY,
  options: jwt.SignOptions = {},
): string {
  return jwt.sign(claims, key, { algorithm: 'HS256', ...options });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over any JSON value, built by hand (jsonwebtoken refuses some claim sets to sign). */
export function signRawHs256(claims: unknown, key = WEBHOOK_KEY): string {
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

/** An unsigned token (`alg: none`). */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

/** A OneTouch callback body as Authy POSTs it (docs/authy-api.md#17-onetouch-callback-signature). */
export function oneTouchBody(
  authyId: string,
  uuid: string,
  status: 'approved' | 'denied',
): Record<string, unknown> {
  return {
    authy_id: Number(authyId),
    callback_action: 'approval_request_status',
    device_uuid: randomUUID(),
    signature: 'c2lnbmVkLWJ5LXRoZS1kZXZpY2U=',
    status,
    uuid,
    approval_request: {
      expiration_timestamp: Math.floor(Date.now() / 1000) + 600,
      logos: null,
      transaction: {
        created_at_time: Math.floor(Date.now() / 1000),
        details: { step: 'enable 2FA' },
        status,
        uuid,
      },
    },
  };
}

/** The X-Authy-Signature headers for a callback to `url` (the public URL Authy called). */
export function oneTouchHeaders(
  params: Record<string, unknown>,
  options: { method?: string; url?: string; key?: string; nonce?: string } = {},
): Record<string, string> {
  const nonce = options.nonce ?? String(Math.floor(Date.now() / 1000));
  const signature = computeAuthySignature({
    key: options.key ?? API_KEY,
    nonce,
    method: options.method ?? 'POST',
    url: options.url ?? `${PUBLIC_URL}/webhooks/authy/onetouch`,
    params,
  });
  return { 'x-authy-signature': signature, 'x-authy-signature-nonce': nonce };
}
