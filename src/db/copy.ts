import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbPool } from './pool';

/** A row for {@link copyRows}: one text value (or null) per column, in the columns' order. */
export type CopyRow = readonly (string | null)[];

/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';

/** True for PostgreSQL's unique-constraint violation (a COPY refused for a key already stored). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

// COPY's text format: tab-separated columns, one line per row, \N for null, and backslash escapes
// for the characters that would otherwise end a column or a line.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = new RegExp(SPECIAL.source, 'g');
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Raised for a value COPY's text format cannot carry: U+0000 has no escape and PostgreSQL refuses it
 * in text. Callers make values storable first (the reporting sync escapes it: docs/security.md).
 */
export class UnstorableTextError extends Error {
  override name = 'UnstorableTextError';
}

function field(value: string | null): string {
  if (value === null) return '\\N';
  if (value.includes('\u0000')) throw new UnstorableTextError('a COPY value holds U+0000 (NUL)');
  // Most values need no escape; testing first spares the replace's copy.
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** The rows in COPY text format. */
export function copyText(rows: readonly CopyRow[]): string {
  let text = '';
  for (const row of rows) {
    for (let column = 0; column < row.length; column += 1) {
      text += (column === 0 ? '' : '\t') + field(row[column] ?? null);
    }
    text += '\n';
  }
  return text;
}

/**
 * Loads `rows` into `table` with one `COPY … FROM STDIN`: all rows or none (a COPY is one statement),
 * and far cheaper for PostgreSQL than an INSERT of the same rows (it writes them a page at a time).
 * Resolves with the number of rows written; rejects with PostgreSQL's error (e.g. a unique
 * violation, {@link isUniqueViolation}) and writes nothing. `table` and `columns` are SQL
 * identifiers from code, never from input.
 */
export async function copyRows(
  pool: DbPool,
  table: string,
  columns: readonly string[],
  rows: readonly CopyRow[],
): Promise<number> {
  // Built before a connection is taken, so a value that cannot be sent never starts a COPY.
  const text = copyText(rows);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const copy = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    await pipeline(Readable.from([text]), copy);
    return copy.rowCount;
  } catch (error) {
    // A refused row leaves the connection ready for the next query; anything else may not have.
    if (!isUniqueViolation(error)) broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}
