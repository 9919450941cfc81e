import { createHmac } from 'node:crypto';

/**
 * docs/authy-api.md#17-onetouch-callback-signature written from the text alone, independent of the
 * client's src/authy/signature.ts and the emulator's src/authy-emulator/request-signature.ts, so
 * both are checked against a third reading of the algorithm: flatten with
 * brackets (arrays as `key[]`), percent-encode like Twilio's snippets (qs / urlencode: only
 * A-Z a-z 0-9 - _ . ~ stay as they are, spaces become `+`), null as an empty value, empty objects
 * omitted, sort by key (ASCII, stable), join with `&`; HMAC-SHA256 over nonce|METHOD|url|params.
 */
export function independentSignature(input: {
  key: string;
  nonce: string;
  method: string;
  url: string;
  params: unknown;
}): string {
  const pairs: [string, string][] = [];
  flatten('', input.params, pairs);
  const encoded = pairs.map(([k, v]) => [encode(k), encode(v)] as const);
  const sorted = encoded
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.index - b.index))
    .map(({ pair }) => `${pair[0]}=${pair[1]}`)
    .join('&');
  const target = new URL(input.url);
  const data = `${input.nonce}|${input.method.toUpperCase()}|${target.protocol}//${target.host}${target.pathname}|${sorted}`;
  return createHmac('sha256', input.key).update(data).digest('base64');
}

function flatten(prefix: string, value: unknown, out: [string, string][]): void {
  if (value === null || value === undefined) {
    if (prefix !== '') out.push([prefix, '']);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) flatten(`${prefix}[]`, item, out);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      flatten(prefix === '' ? key : `${prefix}[${key}]`, item, out);
    }
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push([prefix, String(value)]);
  }
}

function encode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
