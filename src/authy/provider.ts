import type { SecondFactorProvider } from '../second-factor/provider';
import type { AuthyHttp } from './http';
import { createAuthyOneTouchClient } from './onetouch';
import { createAuthyUsersClient } from './users';

/**
 * The Authy implementation of {@link SecondFactorProvider}.
 *
 * Authy has no "resend install link" call. Registering the same phone again returns the same authy id
 * and, with `send_install_link_via_sms`, texts the install link again (docs/authy-api.md#14-users), so a resend
 * is a repeated registration. That choice lives only here.
 */
export function createAuthyProvider(http: AuthyHttp): SecondFactorProvider {
  const users = createAuthyUsersClient(http);
  const oneTouch = createAuthyOneTouchClient(http);
  return {
    async registerUser(contact) {
      const { authyId } = await users.register({ ...contact, sendInstallLinkViaSms: true });
      return { factorUserId: authyId };
    },
    async hasRegisteredDevice(factorUserId) {
      const status = await users.status(factorUserId);
      return status.registered;
    },
    async resendInstallLink(contact) {
      await users.register({ ...contact, sendInstallLinkViaSms: true });
    },
    async requestApproval(request) {
      const { uuid } = await oneTouch.createApprovalRequest({
        authyId: request.factorUserId,
        message: request.message,
        details: request.details,
        secondsToExpire: request.expiresInSeconds,
      });
      return { approvalId: uuid };
    },
    async readApproval(approvalId) {
      const { status } = await oneTouch.getApprovalRequest(approvalId);
      return status;
    },
  };
}
