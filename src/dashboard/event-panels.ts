import type { DailyEventCountRow } from '../db/dashboard-events';
import type { DashboardPeriod } from '../db/dashboard-funnel';

/** One line of a time-series panel: the events of one name (and, optionally, one status). */
export interface EventSeriesDefinition {
  key: string;
  label: string;
  event: string;
  status?: string;
}

/** A time-series panel: which stored reporting events it counts per day. */
export interface EventPanelDefinition {
  title: string;
  series: readonly EventSeriesDefinition[];
}

/**
 * The time-series panels, by the path segment of their endpoint (`/dashboard/api/<name>`). Event
 * names are Authy's (docs/authy-api.md#23-event-names); OneTouch answers are told apart by the request's status.
 */
export const EVENT_PANELS = {
  registrations: {
    title: 'Device registrations',
    series: [{ key: 'registrations', label: 'Devices registered', event: 'device_registration_completed' }],
  },
  onetouch: {
    title: 'OneTouch approvals vs denials',
    series: [
      { key: 'approved', label: 'Approved', event: 'one_touch_request_responded', status: 'approved' },
      { key: 'denied', label: 'Denied', event: 'one_touch_request_responded', status: 'denied' },
    ],
  },
  'phone-changes': {
    title: 'Phone changes',
    series: [{ key: 'phoneChanges', label: 'Phone numbers changed', event: 'user_phone_changed' }],
  },
  recoveries: {
    title: 'Account recoveries',
    series: [
      { key: 'started', label: 'Recovery started', event: 'account_recovery_started' },
      { key: 'approved', label: 'Recovery approved', event: 'account_recovery_approved' },
      { key: 'canceled', label: 'Recovery canceled', event: 'account_recovery_canceled' },
    ],
  },
} as const satisfies Record<string, EventPanelDefinition>;

export type EventPanelName = keyof typeof EVENT_PANELS;

/** One day of one series. */
export interface SeriesPoint {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
}

/** Body of a time-series endpoint (docs/dashboard.md). */
export interface EventSeriesResponse {
  panel: EventPanelName;
  title: string;
  period: { from: string; to: string };
  bucket: 'day';
  series: {
    key: string;
    label: string;
    event: string;
    status: string | null;
    total: number;
    points: SeriesPoint[];
  }[];
}

/** Whether a panel needs its counts split by status. */
export function panelNeedsStatus(panel: EventPanelDefinition): boolean {
  return panel.series.some((s) => s.status !== undefined);
}

/** The distinct event names a panel counts. */
export function panelEvents(panel: EventPanelDefinition): string[] {
  return [...new Set(panel.series.map((s) => s.event))];
}

/**
 * Turns daily counts into the panel's series. Days without events are left out of `points` (an
 * empty period gives empty series); the page draws them as zero.
 */
export function toEventSeriesResponse(
  name: EventPanelName,
  period: DashboardPeriod,
  rows: readonly DailyEventCountRow[],
): EventSeriesResponse {
  const panel: EventPanelDefinition = EVENT_PANELS[name];
  const series = panel.series.map((definition) => {
    const points: SeriesPoint[] = [];
    for (const row of rows) {
      if (row.event !== definition.event) continue;
      if (definition.status !== undefined && row.status !== definition.status) continue;
      const last = points[points.length - 1];
      // Rows are ordered by day; a series without a status sums the day's statuses if they were split.
      if (last?.day === row.day) last.count += row.count;
      else points.push({ day: row.day, count: row.count });
    }
    return {
      key: definition.key,
      label: definition.label,
      event: definition.event,
      status: definition.status ?? null,
      total: points.reduce((sum, point) => sum + point.count, 0),
      points,
    };
  });
  return {
    panel: name,
    title: panel.title,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    bucket: 'day',
    series,
  };
}
