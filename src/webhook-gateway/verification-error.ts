import { GatewayHttpError } from './errors';

/** Why a delivery was not authentic; also the `reason` label of the verification-failure metric. */
export type VerificationFailureReason =
  | 'missing_signature'
  | 'malformed_token'
  | 'wrong_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_iat'
  | 'too_old'
  | 'bad_nonce'
  | 'stale_nonce';

/**
 * The one message every 401 carries: telling a forger which check failed (key, algorithm, clock,
 * nonce) would guide the next attempt. The reason goes to the log line and the metric instead.
 */
export const VERIFICATION_FAILED_MESSAGE = 'the delivery could not be authenticated';

/** A 401 answer with a generic body; the failure reason is kept for metrics and logs. */
export class VerificationError extends GatewayHttpError {
  override name = 'VerificationError';
  constructor(
    readonly reason: VerificationFailureReason,
    options?: { cause?: unknown },
  ) {
    super(401, 'unauthorized', VERIFICATION_FAILED_MESSAGE, options);
  }
}
