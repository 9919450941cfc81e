import { z } from 'zod';

/** Ids that end up in inbox keys and signal event ids: visible ASCII, bounded. */
const IdSchema = z.union([
  z.string().regex(/^[\x21-\x7e]{1,200}$/, 'expected 1-200 visible ASCII characters'),
  z
    .number()
    .int()
    .nonnegative()
    .transform((n) => String(n)),
]);

/** Authy ids arrive as integers (JSON) or digit strings (forms, GET callbacks). */
export const AuthyIdSchema = z.union([
  z
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .transform((n) => String(n)),
  z.string().regex(/^\d{1,18}$/, 'expected a numeric authy id'),
]);

/** Event names: lower snake case as Authy publishes them; anything wilder is malformed. */
export const EventNameSchema = z.string().regex(/^[a-z][a-z0-9_.]{0,99}$/, 'expected an event name');

const OptionalText = (max: number) => z.string().max(max).nullish();
/** Text that may end up in a key: printable ASCII only (PostgreSQL text refuses NUL, for one). */
const PrintableText = (max: number) =>
  z.string().regex(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`), 'expected printable ASCII');

/**
 * Claims of an Authy Webhooks API delivery (docs/contract.md#5-webhook-gateway). Twilio does not publish them, so
 * unknown fields are kept and only what the gateway acts on is checked; `name` is accepted in place
 * of `event`, and `request_id` (+ event + time) identifies a delivery that carries no `id`.
 */
export const WebhookClaimsSchema = z
  .looseObject({
    id: IdSchema.optional(),
    webhook_id: IdSchema.nullish(),
    event: EventNameSchema.optional(),
    name: EventNameSchema.optional(),
    time: PrintableText(64).nullish(),
    request_id: IdSchema.nullish(),
    objects: z
      .looseObject({
        user: z.looseObject({ authy_id: AuthyIdSchema.nullish() }).nullish(),
        onetouch_request: z.looseObject({ uuid: IdSchema.nullish(), status: OptionalText(32) }).nullish(),
        phone_change: z
          .looseObject({
            new_phone_number: OptionalText(64),
            current_phone_number: OptionalText(64),
            status: OptionalText(32),
          })
          .nullish(),
      })
      .nullish(),
    iat: z.number().optional(),
    exp: z.number().optional(),
  })
  .refine((claims) => (claims.event ?? claims.name) !== undefined, {
    message: 'event (or name) is required',
    path: ['event'],
  })
  .refine((claims) => claims.id !== undefined || (claims.request_id ?? undefined) !== undefined, {
    message: 'id (or request_id) is required to identify the delivery',
    path: ['id'],
  });
/** Validated webhook claims. */
export type WebhookClaims = z.infer<typeof WebhookClaimsSchema>;

/**
 * A OneTouch approval callback (docs/authy-api.md#17-onetouch-callback-signature, #18-third-party-clients). `approval_request` is an object in POST
 * callbacks and a serialised string in GET callbacks; the gateway only needs the ids and status.
 */
export const OneTouchCallbackSchema = z.looseObject({
  authy_id: AuthyIdSchema,
  callback_action: OptionalText(64),
  device_uuid: OptionalText(200),
  signature: OptionalText(4096),
  status: z.string().regex(/^[\x21-\x7e]{1,32}$/, 'expected a status word'),
  uuid: IdSchema,
  approval_request: z.union([z.string().max(32_768), z.looseObject({})]).nullish(),
});
/** A validated OneTouch callback. */
export type OneTouchCallback = z.infer<typeof OneTouchCallbackSchema>;

/** What the dispatcher reads back from an inbox row's payload. */
export const InboxPayloadSchema = z.object({
  approvalUuid: z.string().optional(),
  approvalStatus: z.enum(['approved', 'denied']).optional(),
  maskedPhone: z.string().optional(),
  /** Verify `factor.verified`: the factor and its type (the entity identity is the row's authy id). */
  factorSid: z.string().optional(),
  factorType: z.string().optional(),
});
/** A validated inbox payload. */
export type InboxPayload = z.infer<typeof InboxPayloadSchema>;

/** One line naming the first problem of a failed parse, for a 400 message (no input echoed). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  return `${where}: ${issue.message}`;
}
