import qs from 'qs';
import type { DeliveryJob } from '../delivery/deliverer';
import type { OutgoingRequest } from '../delivery/http-send';
import { signAuthyRequest } from '../request-signature';
import type { ApprovalRequest } from './approval-store';
import { expiresAtOf } from './approval-store';

/**
 * The body of a OneTouch callback (docs/authy-api.md#17-onetouch-callback-signature and the fields authy-client's verifyCallback
 * requires, 1.8). `approval_request.transaction` mirrors the approval request as answered.
 */
export function oneTouchCallbackBody(
  request: ApprovalRequest,
  customerUuid: string,
): Record<string, unknown> {
  const answer = request.answer;
  if (answer === undefined) throw new Error(`approval request ${request.uuid} has not been answered`);
  const expiresAt = expiresAtOf(request);
  return {
    approval_request: {
      expiration_timestamp: expiresAt === null ? null : Math.floor(expiresAt / 1000),
      logos: request.logos,
      transaction: {
        created_at_time: Math.floor(request.createdAt / 1000),
        customer_uuid: customerUuid,
        details: request.details,
        device_details: null,
        device_geolocation: null,
        device_signing_time: Math.floor(answer.at / 1000),
        encrypted: false,
        flagged: false,
        hidden_details: request.hiddenDetails,
        message: request.message,
        reason: null,
        requester_details: null,
        status: answer.status,
        uuid: request.uuid,
      },
    },
    authy_id: request.authyId,
    callback_action: 'approval_request_status',
    device_uuid: answer.deviceUuid,
    signature: answer.signature,
    status: answer.status,
    uuid: request.uuid,
  };
}

/**
 * A callback delivery: POST with a JSON body, or GET with everything in the query and
 * `approval_request` serialised as a string (docs/authy-api.md#17-onetouch-callback-signature). Each attempt is signed afresh with
 * the app API key: `X-Authy-Signature` over nonce|METHOD|url|sorted params, nonce = Unix seconds.
 */
export function oneTouchCallbackJob(
  request: ApprovalRequest,
  options: { url: string; method: 'POST' | 'GET'; apiKey: string; customerUuid: string; now: () => number },
): DeliveryJob {
  const body = oneTouchCallbackBody(request, options.customerUuid);
  return {
    kind: 'onetouch',
    id: request.uuid,
    event: `approval_request_${String(body.status)}`,
    url: options.url,
    build: (): OutgoingRequest => {
      const nonce = String(Math.floor(options.now() / 1000));
      if (options.method === 'POST') {
        const signature = signAuthyRequest({
          key: options.apiKey,
          nonce,
          method: 'POST',
          url: options.url,
          params: body,
        });
        return {
          method: 'POST',
          url: options.url,
          headers: {
            'content-type': 'application/json',
            'x-authy-signature': signature,
            'x-authy-signature-nonce': nonce,
            'user-agent': 'twofold-authy-emulator/onetouch',
          },
          body: JSON.stringify(body),
        };
      }
      const target = new URL(options.url);
      const params: Record<string, unknown> = {
        ...qs.parse(target.search.slice(1)),
        ...body,
        approval_request: cgiEscape(rubyInspect(body.approval_request)),
      };
      const signature = signAuthyRequest({
        key: options.apiKey,
        nonce,
        method: 'GET',
        url: options.url,
        params,
      });
      target.search = qs.stringify(params, { arrayFormat: 'brackets', format: 'RFC1738' });
      return {
        method: 'GET',
        url: target.toString(),
        headers: {
          'x-authy-signature': signature,
          'x-authy-signature-nonce': nonce,
          'user-agent': 'twofold-authy-emulator/onetouch',
        },
      };
    },
  };
}

/** Ruby `Hash#inspect`, the form Twilio's GET callbacks carry `approval_request` in (docs/authy-api.md#17-onetouch-callback-signature). */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${JSON.stringify(key)}=>${rubyInspect(item)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return JSON.stringify(typeof value === 'bigint' ? value.toString() : typeof value);
}

/** Ruby `CGI.escape`: percent-encoding with spaces as `+`. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
