import type { z } from 'zod';
import type { VerifyForm, VerifyHttp } from './http';
import {
  AccessTokenSchema,
  ChallengeSchema,
  EntitySchema,
  FactorSchema,
  NewTotpFactorSchema,
  ServiceSchema,
  WebhookSchema,
  pageSchema,
} from './schemas';
import type {
  NewTotpFactor,
  VerifyAccessToken,
  VerifyChallenge,
  VerifyEntity,
  VerifyFactor,
  VerifyService,
  VerifyWebhook,
} from './schemas';

/** Most pages a list call follows (1,000 items each at most): a guard against a looping `next_page_url`. */
const MAX_PAGES = 100;

/** The Verify v2 calls twofold makes, typed; every answer is checked against its schema. */
export interface VerifyClient {
  createService(input: { friendlyName: string; totpIssuer?: string }): Promise<VerifyService>;
  listServices(): Promise<VerifyService[]>;
  fetchService(serviceSid: string): Promise<VerifyService>;
  createEntity(serviceSid: string, identity: string): Promise<VerifyEntity>;
  fetchEntity(serviceSid: string, identity: string): Promise<VerifyEntity>;
  /** Creates a TOTP factor; the answer alone carries its secret and `otpauth://` URI. */
  createTotpFactor(serviceSid: string, identity: string, friendlyName: string): Promise<NewTotpFactor>;
  fetchFactor(serviceSid: string, identity: string, factorSid: string): Promise<VerifyFactor>;
  listFactors(serviceSid: string, identity: string): Promise<VerifyFactor[]>;
  /** Verifies a new factor with `AuthPayload`; a wrong TOTP code answers with `status: unverified`. */
  verifyFactor(
    serviceSid: string,
    identity: string,
    factorSid: string,
    authPayload: string,
  ): Promise<VerifyFactor>;
  createPushChallenge(
    serviceSid: string,
    identity: string,
    input: {
      factorSid: string;
      message: string;
      fields?: { label: string; value: string }[];
      expiresAt: Date;
    },
  ): Promise<VerifyChallenge>;
  fetchChallenge(serviceSid: string, identity: string, challengeSid: string): Promise<VerifyChallenge>;
  createAccessToken(
    serviceSid: string,
    input: { identity: string; factorFriendlyName?: string; ttlSeconds?: number },
  ): Promise<VerifyAccessToken>;
  createWebhook(
    serviceSid: string,
    input: { friendlyName: string; url: string; eventTypes: readonly string[] },
  ): Promise<VerifyWebhook>;
  listWebhooks(serviceSid: string): Promise<VerifyWebhook[]>;
  deleteWebhook(serviceSid: string, webhookSid: string): Promise<void>;
}

const ENTITY = '/v2/Services/:service/Entities/:identity';

/** Builds the typed Verify v2 client over an HTTP core. */
export function createVerifyClient(http: VerifyHttp): VerifyClient {
  /** Every item of a list, following `meta.next_page_url` (absolute, as Twilio sends it) within the base URL. */
  async function listAll<T extends z.ZodType>(
    path: string,
    pathParams: Record<string, string>,
    key: string,
    item: T,
  ): Promise<z.infer<T>[]> {
    const schema = pageSchema(key, item);
    const items: z.infer<T>[] = [];
    let params: Record<string, string> = { PageSize: '100' };
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await http.request({ method: 'GET', path, pathParams, params }, schema);
      items.push(...(answer[key] ?? []));
      const next = answer.meta.next_page_url;
      if (!next) return items;
      params = Object.fromEntries(new URL(next).searchParams);
    }
    return items;
  }

  /** A GET of one resource. */
  const get = <S extends z.ZodType>(path: string, pathParams: Record<string, string>, schema: S) =>
    http.request({ method: 'GET', path, pathParams }, schema);
  /** A POST creating or updating a resource with a form. */
  const post = <S extends z.ZodType>(
    path: string,
    pathParams: Record<string, string>,
    params: VerifyForm,
    schema: S,
  ) => http.request({ method: 'POST', path, pathParams, params }, schema);

  return {
    createService: (input) =>
      post(
        '/v2/Services',
        {},
        { FriendlyName: input.friendlyName, 'Totp.Issuer': input.totpIssuer },
        ServiceSchema,
      ),
    listServices: () => listAll('/v2/Services', {}, 'services', ServiceSchema),
    fetchService: (serviceSid) => get('/v2/Services/:service', { service: serviceSid }, ServiceSchema),
    createEntity: (serviceSid, identity) =>
      post('/v2/Services/:service/Entities', { service: serviceSid }, { Identity: identity }, EntitySchema),
    fetchEntity: (serviceSid, identity) => get(ENTITY, { service: serviceSid, identity }, EntitySchema),
    createTotpFactor: (serviceSid, identity, friendlyName) =>
      post(
        `${ENTITY}/Factors`,
        { service: serviceSid, identity },
        { FactorType: 'totp', FriendlyName: friendlyName },
        NewTotpFactorSchema,
      ),
    fetchFactor: (serviceSid, identity, factorSid) =>
      get(`${ENTITY}/Factors/:factor`, { service: serviceSid, identity, factor: factorSid }, FactorSchema),
    listFactors: (serviceSid, identity) =>
      listAll(`${ENTITY}/Factors`, { service: serviceSid, identity }, 'factors', FactorSchema),
    verifyFactor: (serviceSid, identity, factorSid, authPayload) =>
      post(
        `${ENTITY}/Factors/:factor`,
        { service: serviceSid, identity, factor: factorSid },
        { AuthPayload: authPayload },
        FactorSchema,
      ),
    createPushChallenge: (serviceSid, identity, input) =>
      post(
        `${ENTITY}/Challenges`,
        { service: serviceSid, identity },
        {
          FactorSid: input.factorSid,
          'Details.Message': input.message,
          'Details.Fields': (input.fields ?? []).map((field) => JSON.stringify(field)),
          ExpirationDate: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        ChallengeSchema,
      ),
    fetchChallenge: (serviceSid, identity, challengeSid) =>
      get(
        `${ENTITY}/Challenges/:challenge`,
        { service: serviceSid, identity, challenge: challengeSid },
        ChallengeSchema,
      ),
    createAccessToken: (serviceSid, input) =>
      post(
        '/v2/Services/:service/AccessTokens',
        { service: serviceSid },
        {
          Identity: input.identity,
          FactorType: 'push',
          FactorFriendlyName: input.factorFriendlyName,
          Ttl: input.ttlSeconds,
        },
        AccessTokenSchema,
      ),
    createWebhook: (serviceSid, input) =>
      post(
        '/v2/Services/:service/Webhooks',
        { service: serviceSid },
        {
          FriendlyName: input.friendlyName,
          WebhookUrl: input.url,
          EventTypes: input.eventTypes,
          Version: 'v2',
        },
        WebhookSchema,
      ),
    listWebhooks: (serviceSid) =>
      listAll('/v2/Services/:service/Webhooks', { service: serviceSid }, 'webhooks', WebhookSchema),
    deleteWebhook: (serviceSid, webhookSid) =>
      http.send({
        method: 'DELETE',
        path: '/v2/Services/:service/Webhooks/:webhook',
        pathParams: { service: serviceSid, webhook: webhookSid },
      }),
  };
}
