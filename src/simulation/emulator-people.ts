import { z } from 'zod';

/** A control-API call to the emulator failed (unreachable, or an answer that is neither success nor an expected conflict). */
export class EmulatorControlError extends Error {
  override name = 'EmulatorControlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const HealthSchema = z.looseObject({ ok: z.boolean(), seed: z.number().optional() });
const ErrorSchema = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

/**
 * The people of the Authy emulator (docs/contract.md#6-authy-emulator, `/_emulator/*`): what a person does with
 * their phone. Only the emulator has this API; against the real Authy API real people do it.
 */
export interface EmulatorPeople {
  /** Fails with a readable error when `baseUrl` is not an emulator. */
  health(): Promise<{ ok: boolean; seed?: number }>;
  /** The person installs the app (→ `device_registration_completed`). */
  install(authyId: string): Promise<void>;
  /** The person answers a push; `not_pending` when it was already answered or has expired. */
  respond(approvalUuid: string, status: 'approved' | 'denied'): Promise<'answered' | 'not_pending'>;
  /** The person moves to a new number (→ `user_phone_changed`); `taken` when another user has it. */
  changePhone(authyId: string, countryCode: string, cellphone: string): Promise<'changed' | 'taken'>;
}

/** Creates the control-API client for the emulator at `baseUrl` (its AUTHY_API_URL). */
export function createEmulatorPeople(baseUrl: string, fetchImpl: typeof fetch = fetch): EmulatorPeople {
  const root = baseUrl.replace(/\/+$/, '');
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetchImpl(`${root}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new EmulatorControlError(`cannot reach the Authy emulator at ${root}`, { cause: error });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }
  function failure(what: string, answer: { status: number; json: unknown }): EmulatorControlError {
    const parsed = ErrorSchema.safeParse(answer.json);
    const reason = parsed.success
      ? `${parsed.data.error.code}: ${parsed.data.error.message}`
      : `HTTP ${answer.status}`;
    return new EmulatorControlError(`emulator ${what} failed (${reason})`);
  }
  const conflictCode = (answer: { json: unknown }) => {
    const parsed = ErrorSchema.safeParse(answer.json);
    return parsed.success ? parsed.data.error.code : undefined;
  };
  return {
    async health() {
      const answer = await call('GET', '/health');
      const parsed = HealthSchema.safeParse(answer.json);
      if (answer.status !== 200 || !parsed.success) {
        throw new EmulatorControlError(
          `${root} is not an Authy emulator (GET /_emulator/health answered HTTP ${answer.status})`,
        );
      }
      return parsed.data.seed === undefined
        ? { ok: parsed.data.ok }
        : { ok: parsed.data.ok, seed: parsed.data.seed };
    },
    async install(authyId) {
      const answer = await call('POST', `/users/${encodeURIComponent(authyId)}/install`, {});
      if (answer.status !== 200) throw failure(`install for user ${authyId}`, answer);
    },
    async respond(approvalUuid, status) {
      const answer = await call('POST', `/approval_requests/${encodeURIComponent(approvalUuid)}/respond`, {
        status,
      });
      if (answer.status === 200) return 'answered';
      if (answer.status === 409 && conflictCode(answer) === 'approval_request_not_pending')
        return 'not_pending';
      throw failure(`answer to approval request ${approvalUuid}`, answer);
    },
    async changePhone(authyId, countryCode, cellphone) {
      const answer = await call('POST', `/users/${encodeURIComponent(authyId)}/phone`, {
        countryCode,
        cellphone,
      });
      if (answer.status === 200) return 'changed';
      if (answer.status === 409 && conflictCode(answer) === 'phone_taken') return 'taken';
      throw failure(`phone change of user ${authyId}`, answer);
    },
  };
}
