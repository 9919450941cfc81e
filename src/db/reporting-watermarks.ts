import type { DbPool } from './pool';

/** The instant up to which the live sync of `source` has stored every event, or null before its first run. */
export async function readReportingWatermark(pool: DbPool, source: string): Promise<Date | null> {
  const { rows } = await pool.query<{ watermark: Date }>(
    'select watermark from reporting_sync_watermarks where source = $1',
    [source],
  );
  return rows[0]?.watermark ?? null;
}

/**
 * Moves the watermark of `source` forward to `watermark` and returns the stored value. Monotonic
 * (GREATEST): a late or concurrent run that finished an older window can never move it back.
 */
export async function advanceReportingWatermark(
  pool: DbPool,
  source: string,
  watermark: Date | string,
): Promise<Date> {
  const { rows } = await pool.query<{ watermark: Date }>(
    `insert into reporting_sync_watermarks (source, watermark) values ($1, $2)
     on conflict (source) do update
       set watermark = greatest(reporting_sync_watermarks.watermark, excluded.watermark),
           updated_at = now()
     returning watermark`,
    [source, watermark],
  );
  return rows[0]!.watermark;
}
