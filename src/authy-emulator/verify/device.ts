import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * The person's phone running the Verify Push SDK, as the emulator plays it: a P-256 key pair whose
 * public half goes into `Binding.PublicKey` and whose private half signs exactly what the SDK signs.
 */
export class EmulatedPushDevice {
  private readonly privateKey: KeyObject;
  /** Base64 DER SubjectPublicKeyInfo, the `Binding.PublicKey` parameter. */
  readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** `AuthPayload` of the factor verification: DER ECDSA-SHA256 over the factor SID, base64. */
  factorProof(factorSid: string): string {
    return sign('sha256', Buffer.from(factorSid, 'utf8'), {
      key: this.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
  }

  /** An ES256 JWT over `payload` with `header` (the SDK's auth tokens and challenge answers). */
  jwt(header: Record<string, unknown>, payload: Record<string, unknown>): string {
    const encode = (part: Record<string, unknown>) =>
      Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');
    const input = `${encode({ ...header, alg: 'ES256' })}.${encode(payload)}`;
    const signature = sign('sha256', Buffer.from(input, 'ascii'), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }
}
