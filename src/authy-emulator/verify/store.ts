import type { SeededRandom } from '../random';
import type { EmulatedPushDevice } from './device';
import type {
  AccessToken,
  Challenge,
  ChallengeNotification,
  Factor,
  VerifyEntity,
  VerifyService,
  VerifyWebhook,
} from './resources';

/**
 * Every Verify v2 resource the emulator holds, in creation order (lists page in that order). Lookups
 * only: the rules live in the modules named for each resource.
 */
export class VerifyStore {
  readonly services = new Map<string, VerifyService>();
  /** Keyed `serviceSid/identity`. */
  private readonly entities = new Map<string, VerifyEntity>();
  readonly factors = new Map<string, Factor>();
  readonly challenges = new Map<string, Challenge>();
  readonly notifications: ChallengeNotification[] = [];
  readonly accessTokens = new Map<string, AccessToken>();
  private readonly accessTokensByValue = new Map<string, AccessToken>();
  readonly webhooks = new Map<string, VerifyWebhook>();
  /** Push devices the emulator plays (control API), by factor SID. */
  readonly devices = new Map<string, EmulatedPushDevice>();

  constructor(private readonly random: SeededRandom) {}

  /** A new SID: the two-letter prefix and 32 lower-case hex digits. */
  newSid(prefix: string): string {
    return `${prefix}${this.random.hex(32)}`;
  }

  /** A UUID-shaped id (webhook event `uuid`). */
  newUuid(): string {
    return this.random.uuid();
  }

  /** Random bytes from the seeded stream (TOTP seeds, access tokens). */
  bytes(count: number): Buffer {
    return Buffer.from(this.random.hex(count * 2), 'hex');
  }

  entity(serviceSid: string, identity: string): VerifyEntity | undefined {
    return this.entities.get(`${serviceSid}/${identity}`);
  }

  addEntity(entity: VerifyEntity): void {
    this.entities.set(`${entity.serviceSid}/${entity.identity}`, entity);
  }

  deleteEntity(entity: VerifyEntity): void {
    this.entities.delete(`${entity.serviceSid}/${entity.identity}`);
  }

  entitiesOf(serviceSid: string): VerifyEntity[] {
    return [...this.entities.values()].filter((entity) => entity.serviceSid === serviceSid);
  }

  factorsOf(entity: VerifyEntity): Factor[] {
    return [...this.factors.values()].filter((factor) => factor.entitySid === entity.sid);
  }

  challengesOf(entity: VerifyEntity): Challenge[] {
    return [...this.challenges.values()].filter((challenge) => challenge.entitySid === entity.sid);
  }

  factorByCredential(credentialSid: string): Factor | undefined {
    for (const factor of this.factors.values())
      if (factor.push?.credentialSid === credentialSid) return factor;
    return undefined;
  }

  addAccessToken(token: AccessToken): void {
    this.accessTokens.set(token.sid, token);
    this.accessTokensByValue.set(token.token, token);
  }

  accessTokenByValue(value: string): AccessToken | undefined {
    return this.accessTokensByValue.get(value);
  }

  webhooksOf(serviceSid: string): VerifyWebhook[] {
    return [...this.webhooks.values()].filter((webhook) => webhook.serviceSid === serviceSid);
  }
}
