import { createHmac, timingSafeEqual } from 'node:crypto';
import qs from 'qs';

/** What an Authy HMAC signature covers (docs/authy-api.md#17-onetouch-callback-signature steps 1–4; #22-request-signing for the Webhooks API). */
export interface SignatureInput {
  /** The HMAC key: the app API key for OneTouch callbacks, the API signing key for Webhooks API calls. */
  key: string;
  /** `X-Authy-Signature-Nonce`: a Unix-timestamp-like string. */
  nonce: string;
  method: string;
  /** The URL as called; any query string is dropped (step 1). */
  url: string;
  /** Body or query parameters, nested objects allowed. */
  params: Record<string, unknown>;
}

/**
 * Twilio's snippets disagree on sorting: the JS one sorts the `k=v` pairs by key only (arrays keep
 * their order), the Python one sorts the whole `k=v` strings. Both are accepted on verification.
 */
export type ParamOrdering = 'by-key' | 'by-pair';

/** The URL without query string or fragment: scheme + host + path (step 1). */
export function signedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * Flattens params to sorted, URL-encoded pairs (step 3): bracket notation for nesting, `key[]=v`
 * for arrays, spaces as `+`, null as an empty value, booleans as `true`/`false`, empty objects
 * omitted, case-sensitive byte order.
 */
export function sortedParamString(
  params: Record<string, unknown>,
  ordering: ParamOrdering = 'by-key',
): string {
  // RFC 3986 escaping (so `(` and `)` become %28/%29, as in Twilio's snippets), then spaces as `+`.
  const encoded = qs.stringify(params, { arrayFormat: 'brackets' }).replace(/%20/g, '+');
  if (encoded === '') return '';
  const pairs = encoded.split('&');
  const keyOf = (pair: string) => pair.slice(0, pair.indexOf('=') >>> 0);
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort(ordering === 'by-key' ? (a, b) => compare(keyOf(a), keyOf(b)) : compare);
  return pairs.join('&');
}

/** `nonce|METHOD|url|sorted_params` (step 4): exactly three pipes. */
export function signatureBaseString(
  input: Omit<SignatureInput, 'key'>,
  ordering: ParamOrdering = 'by-key',
): string {
  return [
    input.nonce,
    input.method.toUpperCase(),
    signedUrl(input.url),
    sortedParamString(input.params, ordering),
  ].join('|');
}

/** HMAC-SHA256 of the base string, base64 without line breaks (step 5). */
export function computeAuthySignature(input: SignatureInput, ordering: ParamOrdering = 'by-key'): string {
  return createHmac('sha256', input.key).update(signatureBaseString(input, ordering)).digest('base64');
}

/**
 * Step 6: true when `signature` matches under either param ordering. Constant-time per comparison,
 * so the result leaks nothing about how much of a forged signature was right.
 */
export function verifyAuthySignature(input: SignatureInput, signature: string): boolean {
  const given = Buffer.from(signature, 'utf8');
  return (['by-key', 'by-pair'] as const).some((ordering) => {
    const expected = Buffer.from(computeAuthySignature(input, ordering), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
