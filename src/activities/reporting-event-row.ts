import { createHash } from 'node:crypto';
import type { ReportingEvent } from '../authy/reporting';
import { isRecord } from '../shared/is-record';
import type { ReportingEventRow } from '../db/reporting-events';
import { storableValue } from './reporting-storable';

/** Rows for a page of events, and how many characters PostgreSQL would refuse were escaped in them. */
export interface ReportingEventRows {
  rows: ReportingEventRow[];
  escaped: number;
}

/** {@link toReportingEventRow} for a page, counting the escaped characters (for a warning). */
export function toReportingEventRows(events: readonly ReportingEvent[]): ReportingEventRows {
  let escaped = 0;
  const rows = events.map((event) => {
    const storable = storableValue(event);
    escaped += storable.escaped;
    return mapRow(storable.value);
  });
  return { rows, escaped };
}

/**
 * Maps one Reporting API event to its `reporting_events` row: the typed columns people filter and
 * graph by, plus the whole `objects`. Deterministic, so the same event always gets the same key.
 * Characters PostgreSQL refuses (NUL, unpaired surrogates) are stored as their `\uXXXX` escape text.
 */
export function toReportingEventRow(event: ReportingEvent): ReportingEventRow {
  return mapRow(storableValue(event).value);
}

function mapRow(event: ReportingEvent): ReportingEventRow {
  const objects = event.objects ?? {};
  const objectsJson = JSON.stringify(objects);
  const user = record(objects.user);
  return {
    event: event.event,
    occurredAt: event.time,
    requestId: event.request_id ?? event.request?.id ?? contentId(event.event, event.time, objectsJson),
    authyId: scalar(user?.authy_id),
    appId: scalar(record(objects.app)?.id),
    countryCode: scalar(user?.country_code),
    deviceType: scalar(record(objects.device)?.device_type),
    status: scalar(
      record(objects.onetouch_request)?.status ??
        record(objects.phone_verification)?.status ??
        record(objects.phone_change)?.status ??
        record(objects.delete_request)?.status,
    ),
    objectsJson,
  };
}

// An event without any request id (not seen in Authy's payloads, but not ruled out by its docs) is
// keyed by its content, so re-fetching it still cannot store it twice.
function contentId(event: string, time: string, objectsJson: string): string {
  return 'sha256:' + createHash('sha256').update(`${event}\n${time}\n${objectsJson}`).digest('hex');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function scalar(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : null;
}
