import { createHash } from 'node:crypto';

/**
 * The Verify entity identity of a twofold user: `tf-` and 40 hex digits of SHA-256 over the user id.
 * Twilio asks for an opaque id of 8–64 dash-separated alphanumerics with no personal data
 * (https://www.twilio.com/docs/verify/api/entity); deriving it from the (already opaque) user id,
 * never from an email or phone, gives every run of one user the same entity without storing a map.
 */
export function verifyIdentity(userId: string): string {
  return `tf-${createHash('sha256').update(userId, 'utf8').digest('hex').slice(0, 40)}`;
}
