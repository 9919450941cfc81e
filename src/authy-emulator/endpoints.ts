import { VERIFY_ENDPOINTS } from './verify/endpoints';

/**
 * Names of the emulated Authy endpoints: fault rules target them and the request log labels calls
 * with them (docs/emulator.md lists the paths behind each).
 */
export const ENDPOINTS = [
  'users.new',
  'users.status',
  'users.delete',
  'sms',
  'call',
  'verify',
  'onetouch.create',
  'onetouch.get',
  'reporting.events',
  'reporting.date_histogram',
  'webhooks.create',
  'webhooks.list',
  'webhooks.delete',
  ...VERIFY_ENDPOINTS,
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];
