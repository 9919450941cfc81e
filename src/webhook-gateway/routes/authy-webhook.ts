import type { Middleware } from 'koa';
import type { Logger } from '../../logger';
import { GatewayHttpError, NOT_CONFIGURED_MESSAGE } from '../errors';
import { readObjectBody } from '../body';
import type { Intake } from '../intake';
import { createWebhookJwtVerifier } from '../jwt-verification';
import type { WebhookSigningKeys } from '../jwt-verification';
import { webhookInboxEvent } from '../normalise';
import { WebhookClaimsSchema, firstIssue } from '../schemas';
import { VerificationError } from '../verification-error';

/** Route of Authy Webhooks API deliveries (docs/gateway.md). */
export const AUTHY_WEBHOOK_PATH = '/webhooks/authy';

/** What the webhook route needs: keys (absent = not configured), intake and the body limit. */
export interface AuthyWebhookRouteDeps {
  /** Absent when AUTHY_WEBHOOK_SIGNING_KEY is not configured: deliveries then get 503. */
  keys: WebhookSigningKeys | undefined;
  intake: Intake;
  bodyLimitBytes: number;
  /** Oldest token accepted by its `iat`, in seconds (0: no age check). */
  maxAgeSeconds: number;
  log: Logger;
}

/**
 * `POST /webhooks/authy`: a JSON or form body whose `body` field is an HS256 JWT. Verified, then
 * validated, then recorded; 200 `{ status: "recorded" | "duplicate" }` once it is durable.
 */
export function authyWebhookHandler(deps: AuthyWebhookRouteDeps): Middleware {
  const verify =
    deps.keys && deps.keys.current !== ''
      ? createWebhookJwtVerifier(deps.keys, { maxAgeSeconds: deps.maxAgeSeconds })
      : undefined;
  return async (ctx) => {
    const body = await readObjectBody(ctx, deps.bodyLimitBytes);
    if (!verify) {
      // The sender is told to retry later, not which secret is missing; the operator reads the log.
      deps.log.warn('webhook delivery refused: AUTHY_WEBHOOK_SIGNING_KEY is not configured');
      throw new GatewayHttpError(503, 'not_configured', NOT_CONFIGURED_MESSAGE);
    }
    const token = body.body;
    if (token === undefined || token === null || token === '')
      throw new VerificationError('missing_signature');
    if (typeof token !== 'string')
      throw new GatewayHttpError(400, 'bad_request', 'field "body" must be a JWT string');
    const claims = WebhookClaimsSchema.safeParse(verify(token.trim()));
    if (!claims.success) throw new GatewayHttpError(400, 'invalid_claims', firstIssue(claims.error));
    ctx.body = await deps.intake.record(webhookInboxEvent(claims.data));
  };
}
