/**
 * @deprecated The path applications used before the client helpers moved to `src/client/`; kept so
 * their imports keep working. Import from `twofold/src/client/onboarding` (docs/onboarding.md).
 */
export * from '../client/onboarding';
