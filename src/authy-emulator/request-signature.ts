import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The emulator's own Authy request signature (`X-Authy-Signature`), written from
 * docs/authy-api.md#17-onetouch-callback-signature and #22-request-signing: it signs OneTouch
 * callbacks with the app API key and checks Webhooks API calls signed with the API signing key. It
 * shares no code with the client's src/authy/signature.ts on purpose: as between Twilio and its
 * customers, each side reads the documented algorithm on its own and the tests hold the two readings
 * against each other and the published vectors.
 */
export interface AuthySignedRequest {
  key: string;
  /** `X-Authy-Signature-Nonce`. */
  nonce: string;
  method: string;
  /** As called: the query string and fragment are not signed. */
  url: string;
  /** JSON-shaped parameters (a JSON body, a parsed form or query), nested objects and arrays allowed. */
  params: Record<string, unknown>;
}

/**
 * How the flattened pairs are sorted: by name only, equal names keeping their order (Twilio's
 * JavaScript snippet), or by the whole `name=value` text (its Python snippet). A signature is
 * accepted under either.
 */
export type PairOrder = 'name' | 'pair';

/** One flattened parameter, both halves already form-encoded. */
interface EncodedPair {
  name: string;
  value: string;
}

const HEX = '0123456789ABCDEF';

/** Bytes that stay as they are: A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved). */
function unreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}

/** Step 3's encoding, byte by byte over UTF-8: unreserved bytes kept, a space as `+`, others `%XX`. */
function formEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (unreserved(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${HEX[byte >> 4]!}${HEX[byte & 0x0f]!}`;
  }
  return out;
}

/** A leaf's text: `null` as empty, strings as they are, numbers and booleans as text; else none. */
function leafText(value: unknown): string | undefined {
  if (value === null) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/**
 * Step 3's flattening, depth first in the order the keys were given: `outer[inner]` for nesting,
 * `list[]` for each array element, leaves as {@link leafText}; empty objects and arrays, and
 * `undefined`, give no pair.
 */
function* flatten(name: string, value: unknown): Generator<EncodedPair> {
  const text = leafText(value);
  if (text !== undefined) {
    yield { name: formEncode(name), value: formEncode(text) };
  } else if (Array.isArray(value)) {
    for (const element of value) yield* flatten(`${name}[]`, element);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) yield* flatten(`${name}[${key}]`, inner);
  }
}

function flattenParams(params: Record<string, unknown>): EncodedPair[] {
  const pairs: EncodedPair[] = [];
  for (const [key, value] of Object.entries(params)) pairs.push(...flatten(key, value));
  return pairs;
}

/** Byte-order comparison of ASCII text (encoded pairs are ASCII). */
function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** `nonce|METHOD|scheme://host/path|sorted pairs` (steps 1-4). */
export function authySignedData(request: Omit<AuthySignedRequest, 'key'>, order: PairOrder = 'name'): string {
  const { origin, pathname } = new URL(request.url);
  const texts = flattenParams(request.params)
    .map((pair, position) => ({ ...pair, position }))
    .sort((a, b) =>
      order === 'name'
        ? byteOrder(a.name, b.name) || a.position - b.position
        : byteOrder(`${a.name}=${a.value}`, `${b.name}=${b.value}`),
    )
    .map((pair) => `${pair.name}=${pair.value}`);
  return `${request.nonce}|${request.method.toUpperCase()}|${origin}${pathname}|${texts.join('&')}`;
}

/** `X-Authy-Signature`: base64 HMAC-SHA256 of {@link authySignedData} under the request's key (step 5). */
export function signAuthyRequest(request: AuthySignedRequest, order: PairOrder = 'name'): string {
  return createHmac('sha256', request.key).update(authySignedData(request, order), 'utf8').digest('base64');
}

/**
 * Step 6: whether `signature` signs the request under either pair order, each comparison in constant
 * time (on equal lengths; a signature of the wrong length is refused at once).
 */
export function isAuthyRequestSigned(request: AuthySignedRequest, signature: string): boolean {
  const given = Buffer.from(signature);
  let matched = false;
  for (const order of ['name', 'pair'] as const) {
    const expected = Buffer.from(signAuthyRequest(request, order));
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
