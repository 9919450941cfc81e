/** An Authy request as signed: the HMAC key and what docs/authy-api.md#17-onetouch-callback-signature covers. */
export interface AuthySignatureVector {
  input: { key: string; nonce: string; method: string; url: string; params: Record<string, unknown> };
  signature: string;
}

/** The two published vectors of docs/authy-api.md#17-onetouch-callback-signature (the second: authy-client's POST callback fixture). */
export const AUTHY_SIGNATURE_VECTORS: readonly AuthySignatureVector[] = [
  {
    input: {
      key: 'foo',
      nonce: '1455825429',
      method: 'POST',
      url: 'https://foo.bar/',
      params: { foo: { bar: { biz: 'foo' } }, qux: 'net' },
    },
    signature: 'uq/wB8AR1Acvn0wFcjm7mmBJyR11nuuMhMy6semsAO8=',
  },
  {
    input: {
      key: '1DS9YIwGquvvIdx8GdcdqZGLAewZZyhd',
      nonce: '1455825429',
      method: 'POST',
      url: 'https://foo.bar/',
      params: {
        approval_request: {
          expiration_timestamp: 1455911778,
          logos: null,
          transaction: {
            created_at_time: 1455825378,
            customer_uuid: '2ccf0040-ed25-0132-5987-0e67b818e6fb',
            details: {},
            device_details: null,
            device_geolocation: null,
            device_signing_time: 0,
            encrypted: false,
            flagged: false,
            hidden_details: {},
            message: '.',
            reason: null,
            requester_details: null,
            status: 'approved',
            uuid: '996201c0-b7a7-0133-7c06-0e67b818e6fb',
          },
        },
        authy_id: 1234567,
        callback_action: 'approval_request_status',
        device_uuid: '4d89c320-a9bb-0133-7c02-0e67b818e6fb',
        signature:
          'BObhJgZwgU7O9r4Uo9VT6j6shAOe7y/IRGpW/N0Uq34/XHZU9E+aHOI5rcQzW1ZgNCECzVrqrsnjhYEK4Zq1naKWu0YNkuvILmMz8IxJEQH+c+6x186fjIjxvP4nu4p/pfUDomo/za24s1XOjtNlVsrDTDXClHUh5MjFQbyBjhFd8gOtmGVatN7K2Lx71I8YR2JDLbRX4DlJEMu++PLBn1nqQH9tbNYzX5jjX87CXPBtDfRwfWSs/imnfZ9zkDq4ZKuBcuwzQNsxKlby6782X0o78rYhCHrcDnHgRtyMGvX9ovK3XTt6M7p6i9SKaRgBWIOFVPygxv15iJesqt9cng==',
        status: 'approved',
        uuid: '996221c0-b7a7-0133-7c06-0e67b818e6fb',
      },
    },
    signature: 'hqB6las54sMBA83GKs0U1QQi9ocJ2tH20SXHZNzfqqQ=',
  },
];
