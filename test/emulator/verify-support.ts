import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import twilio from 'twilio';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';

/** A twilio-node client whose `client.verify.v2.*` calls go to the emulator at `url`. */
export function verifyClient(
  url: string,
  username = DEV_TWILIO_ACCOUNT_SID,
  password = DEV_TWILIO_AUTH_TOKEN,
): twilio.Twilio {
  const client = twilio(username, password, { accountSid: DEV_TWILIO_ACCOUNT_SID, autoRetry: false });
  client.verify.baseUrl = url;
  return client;
}

/**
 * A phone running the Verify Push SDK, written for the tests from Twilio's SDK protocol (not the
 * emulator's device): a P-256 key, the factor proof, the auth JWT and the challenge answer JWT.
 */
export class TestPushDevice {
  readonly privateKey: KeyObject;
  readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  }

  /** The factor verification payload: base64 DER ECDSA over the factor SID. */
  proof(factorSid: string): string {
    return sign('sha256', Buffer.from(factorSid), { key: this.privateKey, dsaEncoding: 'der' }).toString(
      'base64',
    );
  }

  /** The SDK's request auth: an ES256 JWT with kid = credential SID, sub = account, 10 minutes. */
  authToken(credentialSid: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
    return this.jws(
      { cty: 'twilio-pba;v=1', kid: credentialSid, typ: 'JWT', alg: 'ES256' },
      { sub: DEV_TWILIO_ACCOUNT_SID, exp: nowSeconds + 600, nbf: nowSeconds },
    );
  }

  /** The answer to a challenge: the listed fields of the fetched challenge plus `status`. */
  answer(challenge: Record<string, unknown>, fields: string[], status: 'approved' | 'denied'): string {
    const payload: Record<string, unknown> = {};
    for (const field of fields) payload[field] = challenge[field];
    return this.jws({ typ: 'JWT', alg: 'ES256' }, { ...payload, status });
  }

  jws(header: object, payload: object): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part(header)}.${part(payload)}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}

/** Basic auth header of the SDK: user `token`, password an access token or a device JWT. */
export function sdkAuthorization(password: string): string {
  return `Basic ${Buffer.from(`token:${password}`).toString('base64')}`;
}

/** Basic auth header of the account (dev credentials). */
export const ACCOUNT_AUTHORIZATION = `Basic ${Buffer.from(`${DEV_TWILIO_ACCOUNT_SID}:${DEV_TWILIO_AUTH_TOKEN}`).toString('base64')}`;

/**
 * A form POST/GET/DELETE to the emulator's `/v2` with the given authorization; JSON answer. The form
 * is name/value pairs, or the same written as a query string (`FriendlyName=x&FactorType=totp`).
 */
export async function v2(
  url: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { form?: [string, string][] | string; authorization?: string; rawBody?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const body =
    options.rawBody ??
    (options.form === undefined ? undefined : new URLSearchParams(options.form).toString());
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: options.authorization ?? ACCOUNT_AUTHORIZATION,
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    headers: response.headers,
  };
}

/** The form fields of a received webhook delivery, as a receiver parses them. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
