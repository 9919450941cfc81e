// Just enough typing of the two third-party Authy clients the emulator is checked against (docs/authy-api.md#18-third-party-clients).

declare module 'authy' {
  type Callback = (error: unknown, response: Record<string, unknown>) => void;
  interface LegacyAuthy {
    register_user(
      email: string,
      cellphone: string,
      countryCode: string,
      sendInstallLink: boolean,
      callback: Callback,
    ): void;
    user_status(id: number | string, callback: Callback): void;
    request_sms(id: number | string, force: boolean, callback: Callback): void;
    verify(id: number | string, token: string, force: boolean, callback: Callback): void;
    send_approval_request(
      id: number | string,
      payload: { message: string; details?: Record<string, string>; seconds_to_expire?: number },
      hiddenDetails: Record<string, string> | null,
      logos: { res: string; url: string }[] | null,
      callback: Callback,
    ): void;
    check_approval_status(uuid: string, callback: Callback): void;
    delete_user(id: number | string, callback: Callback): void;
  }
  function authy(apiKey: string, apiUrl?: string): LegacyAuthy;
  export = authy;
}

declare module 'authy-client' {
  type Answer = Record<string, unknown>;
  export class Client {
    constructor(credentials: { key: string }, options?: { host?: string; timeout?: number });
    registerUser(input: {
      countryCode: string;
      email: string;
      phone: string;
    }): Promise<Answer & { user: { id: number } }>;
    getUserStatus(input: { authyId: number | string }): Promise<Answer & { status: Answer }>;
    requestSms(input: { authyId: number | string }, options?: { force?: boolean }): Promise<Answer>;
    requestCall(input: { authyId: number | string }, options?: { force?: boolean }): Promise<Answer>;
    verifyToken(input: { authyId: number | string; token: string }): Promise<Answer>;
    createApprovalRequest(
      input: {
        authyId: number | string;
        message: string;
        details?: { visible?: Record<string, string>; hidden?: Record<string, string> };
        logos?: { res: string; url: string }[];
      },
      options?: { ttl?: number },
    ): Promise<Answer & { approval_request: { uuid: string } }>;
    getApprovalRequest(input: {
      id: string;
    }): Promise<Answer & { approval_request: Answer & { status: string } }>;
    deleteUser(input: { authyId: number | string }): Promise<Answer>;
    verifyCallback(request: {
      body: unknown;
      headers: Record<string, unknown>;
      method: string;
      protocol: string;
      url: string;
    }): Promise<unknown>;
  }
}
