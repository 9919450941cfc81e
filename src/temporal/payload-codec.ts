import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from './payload-keys';

/** `encoding` of a sealed payload: the Web UI and CLI show it as is without a codec server. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that sealed a payload (clear text: an id, never key material). */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata key naming the cipher, so a future format can be told apart. */
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';

const CODEC_BRAND = Symbol.for('twofold.AesGcmPayloadCodec');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A sealed payload that cannot be opened: its key is not in the keyring, or the ciphertext, its
 * metadata or the key is wrong (GCM authentication failed). Names the key id, never returns garbage.
 */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
  constructor(
    message: string,
    readonly keyId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Temporal payload codec sealing each payload whole (data and metadata, as the protobuf `Payload`)
 * with AES-256-GCM under the keyring's first key; the key id is bound as associated data, so a
 * payload relabelled with another key id fails too. Payloads that are not sealed (histories
 * written before encryption) decode unchanged. See docs/security.md "Payload encryption".
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  /** Brand that survives duplicate module copies (Jest registries), unlike `instanceof`. */
  readonly [CODEC_BRAND] = true;
  private readonly encryptKey: PayloadKey;
  private readonly keysById: ReadonlyMap<string, PayloadKey>;

  constructor(keys: readonly PayloadKey[]) {
    const [first] = keys;
    if (!first) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.encryptKey = first;
    this.keysById = new Map(keys.map((key) => [key.id, key]));
  }

  /** Ids of the keys this codec can decrypt with (the first encrypts). */
  get keyIds(): string[] {
    return [...this.keysById.keys()];
  }

  // Synchronous work in async methods: a failure rejects the returned promise, never throws.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.open(payload));
  }

  private seal(payload: Payload): Payload {
    const { id, key } = this.encryptKey;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(utf8.encode(id));
    const plain = ProtoPayload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8.encode(id),
        [CIPHER_METADATA]: utf8.encode(CIPHER),
      },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    const encoding = metadata.encoding ? textOf(metadata.encoding) : undefined;
    if (encoding !== ENCRYPTED_ENCODING) return payload;
    const rawId = metadata[KEY_ID_METADATA];
    const id = rawId ? textOf(rawId) : undefined;
    if (!id) {
      throw new PayloadDecryptionError(`encrypted payload has no ${KEY_ID_METADATA} metadata`, undefined);
    }
    const cipherName = metadata[CIPHER_METADATA] ? textOf(metadata[CIPHER_METADATA]) : CIPHER;
    if (cipherName !== CIPHER) {
      throw new PayloadDecryptionError(
        `payload sealed with key "${id}" uses unknown cipher ${cipherName}`,
        id,
      );
    }
    const entry = this.keysById.get(id);
    if (!entry) {
      throw new PayloadDecryptionError(
        `payload was encrypted with key "${id}", which is not in TWOFOLD_PAYLOAD_KEYS (known: ${this.keyIds.join(', ')})`,
        id,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`payload encrypted with key "${id}" is truncated`, id);
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const body = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(utf8.encode(id));
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (error) {
      throw new PayloadDecryptionError(
        `payload encrypted with key "${id}" failed authentication: wrong key material for that id, or the payload was altered`,
        id,
        { cause: error },
      );
    }
    return ProtoPayload.decode(plain);
  }
}

/** True for twofold's encrypting codec (see {@link AesGcmPayloadCodec}). */
export function isAesGcmPayloadCodec(codec: PayloadCodec): codec is AesGcmPayloadCodec {
  return (codec as Partial<Record<typeof CODEC_BRAND, boolean>>)[CODEC_BRAND] === true;
}

function textOf(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
