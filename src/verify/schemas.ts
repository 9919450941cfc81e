import { z } from 'zod';

// The parts of Verify v2's JSON answers twofold reads (https://www.twilio.com/docs/verify/api;
// docs/verify.md). Unknown fields are dropped; a missing field twofold reads is a contract break.

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`));

export const ServiceSchema = z.object({
  sid: sid('VA'),
  friendly_name: z.string(),
});
export type VerifyService = z.infer<typeof ServiceSchema>;

export const EntitySchema = z.object({
  sid: sid('YE'),
  identity: z.string(),
  service_sid: sid('VA'),
});
export type VerifyEntity = z.infer<typeof EntitySchema>;

export const FactorStatusSchema = z.enum(['unverified', 'verified']);

export const FactorSchema = z.object({
  sid: sid('YF'),
  identity: z.string(),
  status: FactorStatusSchema,
  factor_type: z.string(),
  friendly_name: z.string().nullable().optional(),
});
export type VerifyFactor = z.infer<typeof FactorSchema>;

/** A TOTP factor as its create answer has it: the only answer that carries the secret and URI. */
export const NewTotpFactorSchema = FactorSchema.extend({
  binding: z.object({ secret: z.string().min(1), uri: z.string().startsWith('otpauth://') }),
});
export type NewTotpFactor = z.infer<typeof NewTotpFactorSchema>;

export const ChallengeStatusSchema = z.enum(['pending', 'expired', 'approved', 'denied']);
export type VerifyChallengeStatus = z.infer<typeof ChallengeStatusSchema>;

export const ChallengeSchema = z.object({
  sid: sid('YC'),
  factor_sid: sid('YF'),
  identity: z.string(),
  status: ChallengeStatusSchema,
  expiration_date: z.string().nullable().optional(),
});
export type VerifyChallenge = z.infer<typeof ChallengeSchema>;

export const AccessTokenSchema = z.object({
  sid: sid('YK'),
  service_sid: sid('VA'),
  entity_identity: z.string(),
  factor_type: z.literal('push'),
  token: z.string().min(1),
  ttl: z.number().int().nullable().optional(),
});
export type VerifyAccessToken = z.infer<typeof AccessTokenSchema>;

export const WebhookSchema = z.object({
  sid: sid('YW'),
  service_sid: sid('VA'),
  friendly_name: z.string(),
  event_types: z.array(z.string()),
  webhook_url: z.string(),
  status: z.string(),
  version: z.string().nullable().optional(),
});
export type VerifyWebhook = z.infer<typeof WebhookSchema>;

/** One page of a list: the items under `meta.key` and the absolute URL of the next page. */
export function pageSchema<T extends z.ZodType>(key: string, item: T) {
  return z.object({
    [key]: z.array(item),
    meta: z.object({ next_page_url: z.string().nullable().optional(), key: z.string() }),
  }) as unknown as z.ZodType<
    { meta: { next_page_url?: string | null; key: string } } & Record<string, z.infer<T>[]>
  >;
}
