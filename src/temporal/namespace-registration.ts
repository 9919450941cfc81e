// Registering a namespace and the search attributes twofold needs on a fresh Temporal server, as
// `scripts/temporal-postgres.sh up` and `scripts/stack.sh` do for the local stack: used by the chaos
// stack and the benchmarks, which start servers of their own.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { pollUntil } from '../shared/poll';
import { REQUIRED_SEARCH_ATTRIBUTES } from '../shared/search-attributes';

/** A list query naming every search attribute: accepted only once the frontend knows them all. */
const QUERY_OF_EVERY_ATTRIBUTE =
  'OnboardingStage = "x" AND AuthyId = "x" AND OnboardingStageEnteredAt > "2000-01-01T00:00:00Z"';

const INDEXED_VALUE_TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

/**
 * Registers, on a new server, what `temporal-postgres.sh up` and `stack.sh` register for the local
 * stack — the namespace (retention 24 h, as the dev server) unless it exists, then the search
 * attributes twofold needs that are missing — and waits until the frontend serves them all.
 */
export async function registerNamespace(
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  await pollUntil(() => registrationStep(address, namespace), {
    timeoutMs,
    intervalMs: 500,
    what: `the namespace ${namespace} and its search attributes on ${address}`,
  });
}

/** One step towards the registration; true once there is nothing left to do. */
async function registrationStep(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const known = await connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!known) {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('24h'),
      });
      return false;
    }
    // Fails until the frontend's namespace cache, refreshed every few seconds, has the namespace.
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(REQUIRED_SEARCH_ATTRIBUTES).filter(
      ([name]) => !(name in (customAttributes ?? {})),
    );
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
        ),
      });
      return false;
    }
    await connection.workflowService.countWorkflowExecutions({ namespace, query: QUERY_OF_EVERY_ATTRIBUTE });
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * True when the frontend at `address` answers a visibility query naming every search attribute in
 * `namespace`: the namespace is registered and cached, SQL visibility in PostgreSQL answers.
 */
export async function namespaceServes(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.countWorkflowExecutions({ namespace, query: QUERY_OF_EVERY_ATTRIBUTE });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
