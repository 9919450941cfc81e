import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Current onboarding stage; the Web UI filter `OnboardingStage="awaiting_device"` finds stuck users. */
export const ONBOARDING_STAGE = defineSearchAttributeKey('OnboardingStage', SearchAttributeType.KEYWORD);
/** The Authy id of the onboarding's user (an opaque number, not personal data). */
export const AUTHY_ID = defineSearchAttributeKey('AuthyId', SearchAttributeType.KEYWORD);
/**
 * When the onboarding entered its current stage, so "stuck for more than two days" is one filter:
 * `OnboardingStage="awaiting_device" AND OnboardingStageEnteredAt < "<now − 2d>"`.
 */
export const ONBOARDING_STAGE_ENTERED_AT = defineSearchAttributeKey(
  'OnboardingStageEnteredAt',
  SearchAttributeType.DATETIME,
);

/** Every custom search attribute twofold needs, by name and Temporal type (for registration). */
export const REQUIRED_SEARCH_ATTRIBUTES = {
  OnboardingStage: 'Keyword',
  AuthyId: 'Keyword',
  OnboardingStageEnteredAt: 'Datetime',
} as const;
