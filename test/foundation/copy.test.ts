import { randomUUID } from 'node:crypto';
import { copyRows, copyText, UNIQUE_VIOLATION, UnstorableTextError } from '../../src/db/copy';
import type { DbPool } from '../../src/db/pool';
import { createTestPool } from '../harness/database';

describe('COPY loading (src/db/copy.ts)', () => {
  let pool: DbPool;
  const table = `copy_test_${randomUUID().replaceAll('-', '')}`;
  beforeAll(async () => {
    pool = createTestPool();
    await pool.query(`create table ${table} (id text primary key, body text)`);
  });
  afterAll(async () => {
    await pool.query(`drop table if exists ${table}`);
    await pool.end();
  });

  it('when values hold tabs, newlines, carriage returns and backslashes, then the text format escapes them', () => {
    expect(
      copyText([
        ['a\tb', 'c\nd\re\\f'],
        ['plain', null],
      ]),
    ).toBe('a\\tb\tc\\nd\\re\\\\f\nplain\t\\N\n');
  });

  it('when a value holds NUL, then copyRows refuses it with UnstorableTextError before any row is written, and the pool stays usable', async () => {
    const id = randomUUID();
    await expect(copyRows(pool, table, ['id', 'body'], [[id, 'before\u0000after']])).rejects.toBeInstanceOf(
      UnstorableTextError,
    );
    expect((await pool.query(`select 1 from ${table} where id = $1`, [id])).rowCount).toBe(0);
  });

  it('when awkward values are copied into PostgreSQL, then they come back exactly, null included', async () => {
    const rows = [
      [randomUUID(), 'tab\there, newline\nthere, return\r, backslash \\ and \\N'],
      [randomUUID(), '{"quote":"\\"","unicode":"é ✓ 🐦"}'],
      [randomUUID(), null],
      [randomUUID(), ''],
    ] as const;
    expect(await copyRows(pool, table, ['id', 'body'], rows)).toBe(4);
    const { rows: stored } = await pool.query<{ id: string; body: string | null }>(
      `select id, body from ${table} where id = any($1)`,
      [rows.map(([id]) => id)],
    );
    expect(new Map(stored.map((row) => [row.id, row.body]))).toEqual(new Map(rows));
  });

  it('when one row breaks a unique key, then the COPY writes none of its rows and the pool stays usable', async () => {
    const existing = randomUUID();
    await copyRows(pool, table, ['id', 'body'], [[existing, 'first']]);
    const fresh = randomUUID();
    await expect(
      copyRows(
        pool,
        table,
        ['id', 'body'],
        [
          [fresh, 'new'],
          [existing, 'again'],
        ],
      ),
    ).rejects.toMatchObject({ code: UNIQUE_VIOLATION });
    const { rows } = await pool.query(`select id from ${table} where id = $1`, [fresh]);
    expect(rows).toEqual([]);
    expect(await copyRows(pool, table, ['id', 'body'], [[fresh, 'new']])).toBe(1);
  });
});
