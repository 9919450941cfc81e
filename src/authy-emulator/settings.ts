import { z } from 'zod';
import { RetryPolicySchema } from './delivery/retry-policy';
import type { RetryPolicy } from './delivery/retry-policy';
import type { WebhookContentType } from './webhooks/webhook-delivery';

/** What the emulator does with callbacks and deliveries; set at start, changeable via `/_emulator/config`. */
export interface EmulatorSettings {
  /** Where OneTouch callbacks go; none are sent when null. */
  oneTouchCallbackUrl: string | null;
  oneTouchCallbackMethod: 'POST' | 'GET';
  webhookContentType: WebhookContentType;
  webhookRetry: RetryPolicy;
}

/** Body of `POST /_emulator/config`: any subset; `webhookRetry` may be partial. */
export const SettingsPatchSchema = z.strictObject({
  oneTouchCallbackUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  oneTouchCallbackMethod: z.enum(['POST', 'GET']).optional(),
  webhookContentType: z.enum(['form', 'json']).optional(),
  webhookRetry: RetryPolicySchema.partial().optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Settings after a `POST /_emulator/config` patch; a partial retry policy keeps the other fields. */
export function applySettingsPatch(settings: EmulatorSettings, patch: SettingsPatch): EmulatorSettings {
  return {
    oneTouchCallbackUrl:
      patch.oneTouchCallbackUrl === undefined ? settings.oneTouchCallbackUrl : patch.oneTouchCallbackUrl,
    oneTouchCallbackMethod: patch.oneTouchCallbackMethod ?? settings.oneTouchCallbackMethod,
    webhookContentType: patch.webhookContentType ?? settings.webhookContentType,
    webhookRetry: { ...settings.webhookRetry, ...patch.webhookRetry },
  };
}
