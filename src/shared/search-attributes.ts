import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Current onboarding stage; the Web UI filter `OnboardingStage="awaiting_device"` finds stuck users. */
export const ONBOARDING_STAGE = defineSearchAttributeKey('OnboardingStage', SearchAttributeType.KEYWORD);
/** The Authy id of the onboarding's user (an opaque number, not personal data). */
export const AUTHY_ID = defineSearchAttributeKey('AuthyId', SearchAttributeType.KEYWORD);
