import { GatewayHttpError } from './errors';

/** Why a delivery was not authentic; also the `reason` label of the verification-failure metric. */
export type VerificationFailureReason =
  | 'missing_signature'
  | 'malformed_token'
  | 'wrong_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_nonce'
  | 'stale_nonce';

const messages: Record<VerificationFailureReason, string> = {
  missing_signature: 'the delivery carries no signature',
  malformed_token: 'the token is not a well-formed JWT',
  wrong_algorithm: 'only HS256 tokens are accepted',
  bad_signature: 'the signature does not verify',
  expired: 'the token has expired',
  not_yet_valid: 'the token is not valid yet',
  bad_nonce: 'the signature nonce is not a timestamp',
  stale_nonce: 'the signature nonce is outside the accepted window',
};

/** A 401 answer that carries the failure reason for metrics and logs. */
export class VerificationError extends GatewayHttpError {
  override name = 'VerificationError';
  constructor(
    readonly reason: VerificationFailureReason,
    options?: { cause?: unknown },
  ) {
    super(401, 'unauthorized', messages[reason], options);
  }
}
