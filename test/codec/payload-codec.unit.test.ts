import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/temporal/payload-codec';
import { parsePayloadKeys, payloadKey } from '../../src/temporal/payload-keys';

const keyText = (id: string, bytes = randomBytes(32)) => `${id}:${bytes.toString('base64')}`;
const text = (bytes: Uint8Array | null | undefined) =>
  Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const input = { userId: 'u-1', email: 'ada@example.com', countryCode: '1', cellphone: '5558003380' };
const plainPayload = (): Payload => defaultPayloadConverter.toPayload(input);

describe('AesGcmPayloadCodec', () => {
  const [k1] = parsePayloadKeys(keyText('k1'));

  it('when a payload is encoded, then neither its data nor its metadata shows the value, and decoding restores it', async () => {
    const codec = new AesGcmPayloadCodec([k1!]);
    const [sealed] = await codec.encode([plainPayload()]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k1');
    const stored = Buffer.concat([sealed!.data!, ...Object.values(sealed!.metadata!)]).toString('latin1');
    expect(stored).not.toContain('ada@example.com');
    expect(stored).not.toContain('5558003380');
    expect(stored).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(input);
    expect(text(opened!.metadata!.encoding)).toBe('json/plain');
  });

  it('when the same payload is encoded twice, then the ciphertexts differ (a fresh IV each time)', async () => {
    const codec = new AesGcmPayloadCodec([k1!]);
    const [a, b] = await codec.encode([plainPayload(), plainPayload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('when a payload was never encrypted (a history from before encryption), then it decodes unchanged', async () => {
    const codec = new AesGcmPayloadCodec([k1!]);
    const old = plainPayload();
    const [decoded] = await codec.decode([old]);
    expect(decoded).toBe(old);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  });

  it('when the keys rotate (a new first key), then new payloads use it and old ones still decrypt', async () => {
    const [oldKey] = parsePayloadKeys(keyText('2026-01'));
    const sealedBefore = await new AesGcmPayloadCodec([oldKey!]).encode([plainPayload()]);
    const [newKey] = parsePayloadKeys(keyText('2026-07'));
    const rotated = new AesGcmPayloadCodec([newKey!, oldKey!]);
    const sealedAfter = await rotated.encode([plainPayload()]);
    expect(text(sealedAfter[0]!.metadata![KEY_ID_METADATA])).toBe('2026-07');
    const decoded = await rotated.decode([...sealedBefore, ...sealedAfter]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([input, input]);
  });

  it('when the key id is not in the keyring, then decoding fails naming that key id', async () => {
    const [gone] = parsePayloadKeys(keyText('retired-2025'));
    const sealed = await new AesGcmPayloadCodec([gone!]).encode([plainPayload()]);
    const error = await new AesGcmPayloadCodec([k1!]).decode(sealed).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PayloadDecryptionError', keyId: 'retired-2025' });
    expect((error as Error).message).toMatch(
      /"retired-2025", which is not in TWOFOLD_PAYLOAD_KEYS \(known: k1\)/,
    );
  });

  it('when the key id is known but its material is wrong, then decoding fails naming the key id instead of returning garbage', async () => {
    const sealed = await new AesGcmPayloadCodec([payloadKey('k1', randomBytes(32))]).encode([plainPayload()]);
    const error = await new AesGcmPayloadCodec([payloadKey('k1', randomBytes(32))])
      .decode(sealed)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PayloadDecryptionError', keyId: 'k1' });
    expect((error as Error).message).toMatch(/"k1" failed authentication/);
  });

  it('when one ciphertext byte is flipped, then decoding fails naming the key id', async () => {
    const codec = new AesGcmPayloadCodec([k1!]);
    const [sealed] = await codec.encode([plainPayload()]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 0x01;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toMatchObject({
      name: 'PayloadDecryptionError',
      keyId: 'k1',
    });
  });

  it('when the key id label is swapped for another known key, then decoding fails (the id is authenticated)', async () => {
    const [k2] = parsePayloadKeys(keyText('k2'));
    const codec = new AesGcmPayloadCodec([k1!, k2!]);
    const [sealed] = await codec.encode([plainPayload()]);
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') },
    };
    await expect(codec.decode([relabelled])).rejects.toMatchObject({ keyId: 'k2' });
  });

  it('when the ciphertext is truncated or the key id is missing, then decoding fails clearly', async () => {
    const codec = new AesGcmPayloadCodec([k1!]);
    const [sealed] = await codec.encode([plainPayload()]);
    await expect(codec.decode([{ ...sealed!, data: sealed!.data!.subarray(0, 10) }])).rejects.toThrow(
      /"k1" is truncated/,
    );
    const { [KEY_ID_METADATA]: _dropped, ...withoutId } = sealed!.metadata!;
    await expect(codec.decode([{ ...sealed!, metadata: withoutId }])).rejects.toThrow(/no encryption-key-id/);
  });
});

describe('parsePayloadKeys', () => {
  it('when the variable holds several keys, then the first encrypts and all are kept in order', () => {
    const keys = parsePayloadKeys(` ${keyText('new')} , ${keyText('old')} `);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
  });

  const key32 = randomBytes(32).toString('base64');
  it.each([
    ['empty', '', /at least one/],
    ['a key without an id', 'nokey', /entry 1 must be keyId:base64key/],
    ['an empty id', `:${key32}`, /entry 1 must be keyId:base64key/],
    ['a key that is not base64', 'k1:not base64!', /"k1" is not base64/],
    [
      'a 16-byte key',
      `k1:${randomBytes(16).toString('base64')}`,
      /"k1" must be 32 bytes \(AES-256\), got 16/,
    ],
    ['an id with a space', `bad id:${key32}`, /key id "bad id"/],
    ['one id twice', `k1:${key32},k1:${key32}`, /"k1" appears twice/],
  ])(
    'when TWOFOLD_PAYLOAD_KEYS holds %s, then it is refused with a clear message',
    (_case, value, message) => {
      expect(() => parsePayloadKeys(value)).toThrow(message);
    },
  );

  it('when a key is refused, then the message never contains the key material', () => {
    const material = randomBytes(31).toString('base64');
    let message = '';
    try {
      parsePayloadKeys(`k1:${material}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must be 32 bytes/);
    expect(message).not.toContain(material);
  });
});
