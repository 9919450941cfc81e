import { verifyErrors } from './errors';
import type { VerifyEntity, VerifyService } from './resources';
import type { VerifyState } from './verify-state';

/** Twilio's rule for `Identity`: 8–64 characters, dash-separated alphanumerics, no PII. */
const IDENTITY = /^[A-Za-z0-9-]{8,64}$/;

/** Checks an identity from a path or parameter (400 / 60300 naming the rule). */
export function checkIdentity(identity: string): string {
  if (!IDENTITY.test(identity))
    throw verifyErrors.invalidParameter('Identity must be 8 to 64 characters: letters, digits and dashes');
  return identity;
}

/** Creates an entity; an identity the Service already has answers 409 / 60301. */
export function createEntity(verify: VerifyState, service: VerifyService, identity: string): VerifyEntity {
  checkIdentity(identity);
  if (verify.store.entity(service.sid, identity) !== undefined) throw verifyErrors.entityExists();
  const now = verify.now();
  const entity: VerifyEntity = {
    sid: verify.store.newSid('YE'),
    serviceSid: service.sid,
    identity,
    createdAt: now,
    updatedAt: now,
  };
  verify.store.addEntity(entity);
  return entity;
}

/** The entity of `identity`, created on the spot when a factor is the first thing made for it. */
export function entityFor(verify: VerifyState, service: VerifyService, identity: string): VerifyEntity {
  return verify.store.entity(service.sid, identity) ?? createEntity(verify, service, identity);
}

/**
 * Deletes an entity with its factors (each announced as `factor.deleted`) and its challenges. Twilio
 * does not document the cascade; the emulator assumes it (docs/emulator.md).
 */
export function deleteEntity(verify: VerifyState, entity: VerifyEntity): void {
  for (const factor of verify.store.factorsOf(entity)) {
    verify.store.factors.delete(factor.sid);
    verify.store.devices.delete(factor.sid);
    verify.emit('factor.deleted', factor);
  }
  for (const challenge of verify.store.challengesOf(entity)) verify.store.challenges.delete(challenge.sid);
  verify.store.deleteEntity(entity);
}
