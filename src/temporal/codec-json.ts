import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** Proto3-JSON bytes: standard or URL-safe base64, padding optional (protobuf's JSON mapping). */
const base64 = z
  .string()
  .max(64 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

/** Most payloads one request may carry: a long history page stays far below it. */
export const MAX_PAYLOADS_PER_REQUEST = 10_000;

/**
 * The body of Temporal's codec server protocol, as the Web UI and `temporal --codec-endpoint` send it:
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` (Payload messages in proto3 JSON).
 */
export const CodecRequestSchema = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string().max(256), base64).nullish(),
        data: base64.nullish(),
      }),
    )
    .max(MAX_PAYLOADS_PER_REQUEST),
});
export type CodecRequest = z.infer<typeof CodecRequestSchema>;

/** A payload of the JSON protocol as the SDK's Payload (bytes). */
export function payloadFromJson(json: CodecRequest['payloads'][number]): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata ?? {}))
    metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

/** A Payload as proto3 JSON: every bytes field in standard base64. */
export function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
