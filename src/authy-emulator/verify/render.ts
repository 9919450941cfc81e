import type {
  AccessToken,
  Challenge,
  ChallengeNotification,
  ChallengeStatus,
  Factor,
  VerifyEntity,
  VerifyService,
  VerifyWebhook,
} from './resources';
import { otpauthUri } from './totp';

/** ISO 8601 UTC without fractions (`2015-07-30T20:00:00Z`), the form of every Verify date. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What an answer is rendered for: the origin its URLs are built on (the emulator as the client called
 * it, so clients follow them back here), the account it belongs to, and the time it is read at.
 */
export interface RenderContext {
  origin: string;
  accountSid: string;
  now: number;
}

/** A challenge's status at `now`: a pending one past its expiration date reads `expired`. */
export function challengeStatus(challenge: Challenge, now: number): ChallengeStatus {
  return challenge.status === 'pending' && now > challenge.expiresAt ? 'expired' : challenge.status;
}

/** Resource URLs are built from the emulator's own origin, so clients follow them back here. */
export function serviceUrl(origin: string, serviceSid: string): string {
  return `${origin}/v2/Services/${serviceSid}`;
}

function entityUrl(origin: string, serviceSid: string, identity: string): string {
  return `${serviceUrl(origin, serviceSid)}/Entities/${encodeURIComponent(identity)}`;
}

export function renderService(service: VerifyService, at: RenderContext) {
  const url = serviceUrl(at.origin, service.sid);
  const link = (name: string) => `${url}/${name}`;
  return {
    sid: service.sid,
    account_sid: at.accountSid,
    friendly_name: service.friendlyName,
    code_length: service.codeLength,
    lookup_enabled: false,
    psd2_enabled: false,
    skip_sms_to_landlines: false,
    dtmf_input_required: false,
    tts_name: null,
    do_not_share_warning_enabled: false,
    custom_code_enabled: false,
    push: {
      include_date: service.push.includeDate,
      apn_credential_sid: service.push.apnCredentialSid,
      fcm_credential_sid: service.push.fcmCredentialSid,
    },
    totp: {
      issuer: service.totp.issuer,
      time_step: service.totp.timeStep,
      code_length: service.totp.codeLength,
      skew: service.totp.skew,
    },
    whatsapp: { msg_service_sid: null, from: null },
    passkeys: null,
    default_template_sid: null,
    verify_event_subscription_enabled: false,
    date_created: iso(service.createdAt),
    date_updated: iso(service.updatedAt),
    url,
    links: {
      verification_checks: link('VerificationCheck'),
      verifications: link('Verifications'),
      rate_limits: link('RateLimits'),
      messaging_configurations: link('MessagingConfigurations'),
      entities: link('Entities'),
      webhooks: link('Webhooks'),
      access_tokens: link('AccessTokens'),
    },
  };
}

export function renderEntity(entity: VerifyEntity, at: RenderContext) {
  const url = entityUrl(at.origin, entity.serviceSid, entity.identity);
  return {
    sid: entity.sid,
    identity: entity.identity,
    account_sid: at.accountSid,
    service_sid: entity.serviceSid,
    date_created: iso(entity.createdAt),
    date_updated: iso(entity.updatedAt),
    url,
    links: { factors: `${url}/Factors`, new_factors: `${url}/Factors`, challenges: `${url}/Challenges` },
  };
}

/**
 * A factor as fetch and list answer it; `binding` (the TOTP secret and URI, or the push key) and
 * `options` only in the create answer, as Twilio does.
 */
export function renderFactor(factor: Factor, at: RenderContext, created?: { issuer: string }) {
  const base = {
    sid: factor.sid,
    account_sid: at.accountSid,
    service_sid: factor.serviceSid,
    entity_sid: factor.entitySid,
    identity: factor.identity,
  };
  const rest = {
    date_created: iso(factor.createdAt),
    date_updated: iso(factor.updatedAt),
    friendly_name: factor.friendlyName,
    status: factor.status,
    factor_type: factor.type,
    config: factorConfig(factor),
    metadata: factor.metadata,
    url: `${entityUrl(at.origin, factor.serviceSid, factor.identity)}/Factors/${factor.sid}`,
  };
  if (created === undefined) return { ...base, ...rest };
  return { ...base, binding: binding(factor, created.issuer), options: null, ...rest };
}

function factorConfig(factor: Factor) {
  if (factor.totp !== undefined) {
    const { alg, skew, codeLength, timeStep } = factor.totp;
    return { alg, skew, code_length: codeLength, time_step: timeStep };
  }
  const push = factor.push!;
  return {
    sdk_version: push.sdkVersion,
    app_id: push.appId,
    notification_platform: push.notificationPlatform,
    notification_token: push.notificationToken,
    credential_sid: push.credentialSid,
  };
}

function binding(factor: Factor, issuer: string) {
  if (factor.totp !== undefined) {
    return {
      secret: factor.totp.secret,
      uri: otpauthUri({ issuer, accountName: factor.friendlyName, settings: factor.totp }),
    };
  }
  return { alg: 'ES256', public_key: factor.push!.publicKey };
}

export function renderChallenge(challenge: Challenge, at: RenderContext) {
  const url = `${entityUrl(at.origin, challenge.serviceSid, challenge.identity)}/Challenges/${challenge.sid}`;
  return {
    sid: challenge.sid,
    account_sid: at.accountSid,
    service_sid: challenge.serviceSid,
    entity_sid: challenge.entitySid,
    identity: challenge.identity,
    factor_sid: challenge.factorSid,
    date_created: iso(challenge.createdAt),
    date_updated: iso(challenge.updatedAt),
    date_responded: challenge.respondedAt === null ? null : iso(challenge.respondedAt),
    expiration_date: iso(challenge.expiresAt),
    status: challengeStatus(challenge, at.now),
    responded_reason: 'none',
    details: {
      message: challenge.details.message,
      date: iso(challenge.createdAt),
      fields: challenge.details.fields,
    },
    hidden_details: challenge.hiddenDetails,
    metadata: challenge.metadata,
    factor_type: challenge.factorType,
    url,
    links: { notifications: `${url}/Notifications` },
  };
}

export function renderNotification(
  notification: ChallengeNotification,
  challenge: Challenge,
  at: RenderContext,
) {
  return {
    sid: notification.sid,
    account_sid: at.accountSid,
    service_sid: challenge.serviceSid,
    entity_sid: challenge.entitySid,
    identity: challenge.identity,
    challenge_sid: challenge.sid,
    priority: 'high',
    ttl: notification.ttl,
    date_created: iso(notification.createdAt),
  };
}

export function renderAccessToken(token: AccessToken, at: RenderContext) {
  return {
    sid: token.sid,
    account_sid: at.accountSid,
    service_sid: token.serviceSid,
    entity_identity: token.identity,
    factor_type: token.factorType,
    factor_friendly_name: token.factorFriendlyName,
    token: token.token,
    url: `${serviceUrl(at.origin, token.serviceSid)}/AccessTokens/${token.sid}`,
    ttl: token.ttl,
    date_created: iso(token.createdAt),
  };
}

export function renderWebhook(webhook: VerifyWebhook, at: RenderContext) {
  return {
    url: `${serviceUrl(at.origin, webhook.serviceSid)}/Webhooks/${webhook.sid}`,
    sid: webhook.sid,
    account_sid: at.accountSid,
    service_sid: webhook.serviceSid,
    friendly_name: webhook.friendlyName,
    event_types: webhook.eventTypes,
    webhook_method: 'POST',
    webhook_url: webhook.url,
    status: webhook.status,
    version: webhook.version,
    date_created: iso(webhook.createdAt),
    date_updated: iso(webhook.updatedAt),
  };
}
