import { defineQuery } from '@temporalio/workflow';
import type { SyncReportingProgress } from '../../shared/reporting';

/** Where a reporting sync stands (events stored, window covered); `twofold sync backfill` polls it. */
export const syncProgressQuery = defineQuery<SyncReportingProgress>('progress');
