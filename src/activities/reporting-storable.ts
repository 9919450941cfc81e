/**
 * Characters PostgreSQL refuses in `text` and `jsonb`: U+0000 (NUL) and UTF-16 surrogates without
 * their pair (JSON.stringify writes them as `\udXXX` escapes, which jsonb rejects). One such
 * character in an Authy event would fail every insert of its batch, and the sync would retry that
 * window forever (docs/security.md, "What is stored where").
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly the character to find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What {@link storableValue} changed: the value PostgreSQL accepts and how many characters were escaped. */
export interface Storable<T> {
  value: T;
  escaped: number;
}

/**
 * `text` with every character PostgreSQL refuses replaced by the six characters of its JSON escape
 * (`\u0000`, `\ud83d`): visible and searchable, unlike a silent drop. Deterministic, so a re-fetched
 * event maps to the same stored row.
 */
export function storableText(text: string): Storable<string> {
  let escaped = 0;
  const value = text.replace(UNSTORABLE, (c) => {
    escaped += 1;
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return { value: escaped === 0 ? text : value, escaped };
}

/** {@link storableText} applied to every string (keys too) of a JSON value; untouched parts are shared. */
export function storableValue<T>(value: T): Storable<T> {
  if (typeof value === 'string') return storableText(value) as Storable<T>;
  if (value === null || typeof value !== 'object') return { value, escaped: 0 };
  let escaped = 0;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => {
      const storable = storableValue(item);
      escaped += storable.escaped;
      return storable.value;
    });
    return { value: (escaped === 0 ? value : items) as T, escaped };
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const storableKey = storableText(key);
    const storable = storableValue(item);
    escaped += storableKey.escaped + storable.escaped;
    return [storableKey.value, storable.value] as const;
  });
  return { value: (escaped === 0 ? value : Object.fromEntries(entries)) as T, escaped };
}
