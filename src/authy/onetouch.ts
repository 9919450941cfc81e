import { z } from 'zod';
import type { AuthyHttp } from './http';

/** OneTouch approval request statuses (docs/authy-api.md#16-onetouch-approval-requests). */
export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'denied', 'expired']);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

/** `POST /onetouch/json/users/:id/approval_requests` answer. */
export const CreateApprovalResultSchema = z.object({
  approval_request: z.object({ uuid: z.string().min(1) }),
  success: z.literal(true).optional(),
});

/** `GET /onetouch/json/approval_requests/:uuid` answer (fields twofold reads). */
export const GetApprovalResultSchema = z.object({
  approval_request: z.looseObject({
    uuid: z.string(),
    status: ApprovalStatusSchema,
    seconds_to_expire: z.number().optional(),
    processed_at: z.string().nullable().optional(),
  }),
});

export interface CreateApprovalParams {
  authyId: string;
  /** Shown in the push notification. */
  message: string;
  /** Shown to the user (key ≤ 20 chars). */
  details?: Record<string, string>;
  /** Kept in Authy's records, not shown. */
  hiddenDetails?: Record<string, string>;
  /** 0 = never expires; Authy's default is 86400. */
  secondsToExpire: number;
}

/** Typed calls to the OneTouch (push) endpoints. */
export function createAuthyOneTouchClient(http: AuthyHttp) {
  return {
    /** Sends a push approval request; returns its uuid. */
    async createApprovalRequest(params: CreateApprovalParams): Promise<{ uuid: string }> {
      const result = await http.request(
        {
          method: 'POST',
          path: '/onetouch/json/users/:id/approval_requests',
          pathParams: { id: params.authyId },
          body: {
            message: params.message,
            seconds_to_expire: params.secondsToExpire,
            ...(params.details ? { details: params.details } : {}),
            ...(params.hiddenDetails ? { hidden_details: params.hiddenDetails } : {}),
          },
        },
        CreateApprovalResultSchema,
      );
      return { uuid: result.approval_request.uuid };
    },

    /** Reads an approval request's current status. */
    async getApprovalRequest(uuid: string): Promise<{ uuid: string; status: ApprovalStatus }> {
      const result = await http.request(
        { method: 'GET', path: '/onetouch/json/approval_requests/:uuid', pathParams: { uuid } },
        GetApprovalResultSchema,
      );
      return { uuid: result.approval_request.uuid, status: result.approval_request.status };
    },
  };
}
export type AuthyOneTouchClient = ReturnType<typeof createAuthyOneTouchClient>;
