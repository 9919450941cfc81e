import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as a receiver parsed them: a repeated name carries every value. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * The `X-Twilio-Signature` of a request Twilio sends to `url` with form parameters `params`:
 * base64 HMAC-SHA1, keyed with the account's auth token, over the URL followed by every parameter
 * name and value in ascending name order (a repeated name: its distinct values sorted).
 * See https://www.twilio.com/docs/usage/webhooks/webhooks-security and docs/emulator.md "Verify v2".
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams): string {
  let data = url;
  for (const name of Object.keys(params).sort(byCodeUnits)) {
    const value = params[name];
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort(byCodeUnits);
    for (const one of values) data += name + one;
  }
  return createHmac('sha1', Buffer.from(authToken, 'utf8')).update(data, 'utf8').digest('base64');
}

/**
 * Whether `signature` is Twilio's for a form request to `url`. Like Twilio's own validators it also
 * accepts the URL with the default port added (`:443`/`:80`) or any port removed, because proxies and
 * frameworks disagree on whether the port belongs to the URL that was signed. Constant-time compare.
 */
export function isValidTwilioSignature(input: {
  authToken: string;
  url: string;
  params: SignedParams;
  signature: string;
}): boolean {
  if (input.signature === '') return false;
  return urlVariants(input.url).some((url) =>
    sameText(twilioSignature(input.authToken, url, input.params), input.signature),
  );
}

/**
 * Whether `signature` is Twilio's for a JSON request: Twilio signs the URL (which carries
 * `bodySHA256=<hex SHA-256 of the raw body>` in its query) with no parameters, and the hash must
 * match the body actually received.
 */
export function isValidTwilioJsonSignature(input: {
  authToken: string;
  url: string;
  body: string;
  signature: string;
}): boolean {
  const claimed = bodyHashOf(input.url);
  if (claimed === undefined) return false;
  const actual = createHash('sha256').update(input.body, 'utf8').digest('hex');
  if (!sameText(actual, claimed)) return false;
  return isValidTwilioSignature({
    authToken: input.authToken,
    url: input.url,
    params: {},
    signature: input.signature,
  });
}

/**
 * The parameters of a received `application/x-www-form-urlencoded` body in the form the signature
 * covers: every field, a repeated name with all its values (Twilio signs them all).
 */
export function formParamsOf(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(typeof seen === 'string' ? [seen] : seen), value];
  }
  return params;
}

/** The URL as given, with the scheme's default port added when it has none, and with any port removed. */
export function urlVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (match === null) return [url];
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const hostEnd = authority.lastIndexOf(']') + 1;
  const colon = authority.indexOf(':', Math.max(hostEnd, authority.lastIndexOf('@') + 1));
  const host = colon === -1 ? authority : authority.slice(0, colon);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withPort = colon === -1 ? `${scheme}${host}${defaultPort}${rest}` : url;
  const withoutPort = `${scheme}${host}${rest}`;
  return [...new Set([url, withPort, withoutPort])];
}

function bodyHashOf(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  const value = new URLSearchParams(url.slice(query + 1)).get('bodySHA256');
  return value === null || value === '' ? undefined : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** JavaScript's default sort order (UTF-16 code units), the order Twilio's libraries sign in. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
