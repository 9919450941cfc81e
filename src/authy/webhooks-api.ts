import { randomInt } from 'node:crypto';
import qs from 'qs';
import { z } from 'zod';
import { AuthyResponseError, AuthyTransportError } from './errors';
import { WEBHOOK_EVENT_NAMES } from '../shared/authy-events';
import { providerFetch, providerTransport } from '../twilio/provider-http';
import { AUTHY_ERRORS } from './response';
import { computeAuthySignature } from './signature';

/** The 23 event names a webhook can subscribe to (docs/authy-api.md#23-event-names). */
export const WEBHOOK_EVENTS = WEBHOOK_EVENT_NAMES;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The events the gateway turns into workflow signals: what an onboarding needs to hear about. */
export const ONBOARDING_WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'device_registration_completed',
  'one_touch_request_responded',
  'user_phone_changed',
];

/** True for one of the 23 subscribable names. */
export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name);
}

/** A registered webhook as the API returns it (docs/authy-api.md#21-webhook-management); unknown fields are kept. */
export const WebhookSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  url: z.string(),
  /** `WSK_…`: the HS256 key of this webhook's deliveries, i.e. the gateway's AUTHY_WEBHOOK_SIGNING_KEY. */
  signing_key: z.string().min(1),
  events: z.array(z.string()),
  account_sid: z.string().optional(),
  service_id: z.string().optional(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

/** Answer of create: the API's `{ webhook: {...} }` object (plus `message`, `success`). */
export const CreateWebhookResultSchema = z.looseObject({ webhook: WebhookSchema });
export type CreateWebhookResult = z.infer<typeof CreateWebhookResultSchema>;

/** Answer of list. */
export const ListWebhooksResultSchema = z.looseObject({ webhooks: z.array(WebhookSchema) });

/** Answer of delete. */
export const DeleteWebhookResultSchema = z.looseObject({ message: z.string().optional() });

/** Credentials and endpoint of the Webhooks API (docs/authy-api.md#21-webhook-management): three keys, all required. */
export interface WebhooksApiOptions {
  /** `https://api.authy.com` or the emulator's URL, without trailing slash. */
  baseUrl: string;
  /** The application's API key, sent as `app_api_key`. */
  apiKey: string;
  /** Sent as `access_key`. */
  accessKey: string;
  /** HMAC key of `X-Authy-Signature`; never sent. */
  apiSigningKey: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Nonce source (default: Unix seconds with microseconds, as in Twilio's documented example). */
  nonce?: () => string;
}

/** What to subscribe, and where deliveries go. */
export interface CreateWebhookParams {
  url: string;
  name: string;
  events: readonly WebhookEvent[];
}

/** Typed client of the Authy Webhooks API: create, list and delete the application's webhooks. */
export interface WebhooksApi {
  create(params: CreateWebhookParams): Promise<CreateWebhookResult>;
  list(): Promise<Webhook[]>;
  delete(webhookId: string): Promise<void>;
}

const BASE_PATH = '/dashboard/json/application/webhooks';

function defaultNonce(): string {
  // Seconds.microseconds, like the documented `1427849783.886085`; the random micro part keeps two
  // calls in one millisecond apart.
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + randomInt(1000)).padStart(6, '0')}`;
}

/**
 * Creates the Webhooks API client. Every call carries `app_api_key` and `access_key` and is signed
 * (docs/authy-api.md#22-request-signing): HMAC-SHA256 with the API signing key over `nonce|METHOD|url|sorted params`, where
 * `url` is the URL called without its query — `https://api.authy.com/dashboard/json/application/webhooks…`
 * against the real API. POST parameters travel form-encoded in the body (as in Twilio's sample), GET
 * and DELETE parameters in the query string.
 */
export function createWebhooksApi(options: WebhooksApiOptions): WebhooksApi {
  const nonceOf = options.nonce ?? defaultNonce;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const transport = providerTransport(options, {
    ...AUTHY_ERRORS,
    // Messages of their own: a call that got no answer names the URL it tried.
    transport: (endpoint, reason, cause) =>
      new AuthyTransportError(`Authy ${endpoint} ${reason} (${baseUrl})`, endpoint, { cause }),
    response: (endpoint, cause) =>
      new AuthyResponseError(`Authy ${endpoint} answered an unexpected body`, endpoint, { cause }),
  });

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    endpoint: string,
    extra: Record<string, unknown>,
    schema: S,
  ): Promise<z.infer<S>> {
    const params = { app_api_key: options.apiKey, access_key: options.accessKey, ...extra };
    const url = `${baseUrl}${path}`;
    const nonce = nonceOf();
    const signature = computeAuthySignature({ key: options.apiSigningKey, nonce, method, url, params });
    const encoded = qs.stringify(params, { arrayFormat: 'brackets' });
    const post = method === 'POST';
    return providerFetch(transport, {
      endpoint,
      method,
      url: post ? url : `${url}?${encoded}`,
      headers: { 'X-Authy-Signature': signature, 'X-Authy-Signature-Nonce': nonce },
      ...(post ? { body: { contentType: 'application/x-www-form-urlencoded', text: encoded } } : {}),
      schema,
    });
  }

  return {
    async create(params) {
      return call(
        'POST',
        BASE_PATH,
        `POST ${BASE_PATH}`,
        { url: params.url, name: params.name, events: [...params.events] },
        CreateWebhookResultSchema,
      );
    },
    async list() {
      const result = await call('GET', BASE_PATH, `GET ${BASE_PATH}`, {}, ListWebhooksResultSchema);
      return result.webhooks;
    },
    async delete(webhookId) {
      await call(
        'DELETE',
        `${BASE_PATH}/${encodeURIComponent(webhookId)}`,
        `DELETE ${BASE_PATH}/:id`,
        {},
        DeleteWebhookResultSchema,
      );
    },
  };
}
