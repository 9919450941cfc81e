import { z } from 'zod';
import type { AuthyHttp } from './http';

/** `POST /protected/json/users/new` answer (docs/authy-api.md#14-users). */
export const RegisterUserResultSchema = z.object({
  user: z.object({ id: z.number().int() }),
  message: z.string().optional(),
  success: z.literal(true).optional(),
});

/** `GET /protected/json/users/:id/status` answer (docs/authy-api.md#14-users). */
export const UserStatusResultSchema = z.object({
  status: z.object({
    authy_id: z.number().int(),
    confirmed: z.boolean(),
    registered: z.boolean(),
    country_code: z.number().int().optional(),
    phone_number: z.string().optional(),
    devices: z.array(z.string()),
    has_hard_token: z.boolean().optional(),
    account_disabled: z.boolean().optional(),
  }),
  message: z.string().optional(),
});
export type UserStatusResult = z.infer<typeof UserStatusResultSchema>;

/** `GET /protected/json/sms/:id` answer (docs/authy-api.md#15-one-time-passwords). */
export const SmsResultSchema = z.object({
  message: z.string(),
  cellphone: z.string().optional(),
  ignored: z.boolean().optional(),
  device: z.string().nullable().optional(),
});

export interface RegisterUserParams {
  email: string;
  cellphone: string;
  countryCode: string;
  /** Ask Authy to text the app-install link (doc default true). */
  sendInstallLinkViaSms: boolean;
}

/** Typed calls to the Authy users endpoints. */
export function createAuthyUsersClient(http: AuthyHttp) {
  return {
    /** Registers (or finds: identity is country code + cellphone) a user and returns its authy id. */
    async register(params: RegisterUserParams): Promise<{ authyId: string }> {
      const result = await http.request(
        {
          method: 'POST',
          path: '/protected/json/users/new',
          body: {
            user: { email: params.email, cellphone: params.cellphone, country_code: params.countryCode },
            send_install_link_via_sms: params.sendInstallLinkViaSms,
          },
        },
        RegisterUserResultSchema,
      );
      return { authyId: String(result.user.id) };
    },

    /** Reads whether the user has installed and registered the Authy app. */
    async status(authyId: string): Promise<UserStatusResult['status']> {
      const result = await http.request(
        { method: 'GET', path: '/protected/json/users/:id/status', pathParams: { id: authyId } },
        UserStatusResultSchema,
      );
      return result.status;
    },

    /** Sends an SMS token; with `force` even when the user has the app. */
    async requestSms(authyId: string, options: { force?: boolean } = {}) {
      return http.request(
        {
          method: 'GET',
          path: '/protected/json/sms/:id',
          pathParams: { id: authyId },
          query: { force: options.force },
        },
        SmsResultSchema,
      );
    },
  };
}
export type AuthyUsersClient = ReturnType<typeof createAuthyUsersClient>;
