import { Writable } from 'node:stream';
import { createLogger, REDACTED, redactDeep } from '../../src/logger';

/** A logger writing into an array of lines, as the process logger writes to stdout. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', 'test', destination), output: () => lines.join('') };
}

const SECRETS = {
  apiKey: 'sk-live-4f1c9a0b7e2d8c3f6a5b',
  token: 'tok_8d7c6b5a4f3e2d1c0b9a',
  email: 'ada.lovelace@example.com',
  cellphone: '+15551234567',
  signingKey: 'WSK_0123456789abcdef0123',
  authorization: 'Bearer abcdef0123456789',
};

describe('createLogger: deep redaction of secrets and personal data', () => {
  it('when a key, a token, an email and a cellphone sit several levels deep, then none of them reaches the output', () => {
    const { log, output } = capture();
    log.info(
      {
        request: {
          input: {
            contact: {
              email: SECRETS.email,
              cellphone: SECRETS.cellphone,
              details: { deeper: { token: SECRETS.token } },
            },
          },
          config: { authy: { nested: { again: { apiKey: SECRETS.apiKey } } } },
          headers: { Authorization: SECRETS.authorization },
        },
        webhooks: [{ id: 'WH_1', signing_key: SECRETS.signingKey }],
        userId: 'user-42',
      },
      'something happened',
    );
    const text = output();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    const line = JSON.parse(text) as {
      request: { input: { contact: { email: string; details: { deeper: { token: string } } } } };
      webhooks: { id: string; signing_key: string }[];
      userId: string;
      msg: string;
    };
    expect(line.request.input.contact.email).toBe(REDACTED);
    expect(line.request.input.contact.details.deeper.token).toBe(REDACTED);
    expect(line.webhooks[0]).toEqual({ id: 'WH_1', signing_key: REDACTED });
    expect(line.userId).toBe('user-42');
    expect(line.msg).toBe('something happened');
  });

  it('when a child logger is bound to secrets, then its bindings are redacted too', () => {
    const { log, output } = capture();
    log.child({ session: { phone_number: SECRETS.cellphone, country_code: '1' } }).info('bound');
    expect(output()).not.toContain(SECRETS.cellphone);
    expect(output()).toContain('"phone_number":"[redacted]"');
  });

  it('when key names differ only in case or separators, then they are redacted all the same', () => {
    const { log, output } = capture();
    log.info({ a: { API_KEY: SECRETS.apiKey, 'X-Authy-API-Key': SECRETS.apiKey, Email: SECRETS.email } });
    expect(output()).not.toContain(SECRETS.apiKey);
    expect(output()).not.toContain(SECRETS.email);
  });

  it('when the object is cyclic or very deep, then logging still completes without leaking', () => {
    const cyclic: Record<string, unknown> = { email: SECRETS.email };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { token: SECRETS.token };
    for (let i = 0; i < 200; i++) deep = { next: deep };
    const { log, output } = capture();
    log.info({ cyclic, deep });
    expect(output()).not.toContain(SECRETS.email);
    expect(output()).not.toContain(SECRETS.token);
  });

  it('when nothing is sensitive, then the logged object is passed through unchanged (no copy)', () => {
    const object = { a: { b: [1, { c: 'd' }] } };
    expect(redactDeep(object)).toBe(object);
    expect(redactDeep({ a: { email: 'x@y.z' } })).toEqual({ a: { email: REDACTED } });
  });
});
