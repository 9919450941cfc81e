import type { Middleware } from 'koa';
import type { Logger } from '../../logger';
import { GatewayHttpError, NOT_CONFIGURED_MESSAGE } from '../errors';
import { parseForm, readObjectBody } from '../body';
import type { Intake } from '../intake';
import { oneTouchInboxEvent } from '../normalise';
import { verifyOneTouchRequest } from '../onetouch-verification';
import { OneTouchCallbackSchema, firstIssue } from '../schemas';
import { VerificationError } from '../verification-error';

/** Route of OneTouch approval callbacks (POST, or GET for apps configured that way). */
export const ONETOUCH_CALLBACK_PATH = '/webhooks/authy/onetouch';

/** What the OneTouch route needs: the HMAC key, the public URL, intake and its limits. */
export interface OneTouchRouteDeps {
  /** The application's Authy API key; empty when not configured (callbacks then get 503). */
  apiKey: string;
  /** GATEWAY_PUBLIC_URL without a trailing slash: the signed URL is this + the route path. */
  publicUrl: string;
  intake: Intake;
  bodyLimitBytes: number;
  nonceWindowSeconds: number;
  log: Logger;
}

/**
 * `POST|GET /webhooks/authy/onetouch`: verifies `X-Authy-Signature` over the URL Authy called
 * (rebuilt from GATEWAY_PUBLIC_URL, never from Host), validates, then records with the replay key.
 * An exact repeat of an accepted request answers 200 `duplicate` even once its nonce is stale (a
 * sender retry must not fail forever); a stale nonce never accepted before answers 401.
 */
export function oneTouchCallbackHandler(deps: OneTouchRouteDeps): Middleware {
  const url = `${deps.publicUrl}${ONETOUCH_CALLBACK_PATH}`;
  return async (ctx) => {
    const method = ctx.method === 'POST' ? 'POST' : 'GET';
    const params =
      method === 'GET' ? parseForm(ctx.querystring) : await readObjectBody(ctx, deps.bodyLimitBytes);
    if (!deps.apiKey) {
      deps.log.warn('OneTouch callback refused: AUTHY_API_KEY is not configured');
      throw new GatewayHttpError(503, 'not_configured', NOT_CONFIGURED_MESSAGE);
    }
    const verified = verifyOneTouchRequest(
      {
        apiKey: deps.apiKey,
        url,
        method,
        params,
        signature: ctx.get('x-authy-signature') || undefined,
        nonce: ctx.get('x-authy-signature-nonce') || undefined,
      },
      deps.nonceWindowSeconds,
    );
    const callback = OneTouchCallbackSchema.safeParse(params);
    if (!callback.success) throw new GatewayHttpError(400, 'bad_request', firstIssue(callback.error));
    const replay = { nonce: verified.nonce, signature: verified.signature };
    if (!verified.fresh) {
      if (await deps.intake.wasAccepted(replay)) {
        ctx.body = { status: 'duplicate' };
        return;
      }
      throw new VerificationError('stale_nonce');
    }
    ctx.body = await deps.intake.record(oneTouchInboxEvent(callback.data), replay);
  };
}
