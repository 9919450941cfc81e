import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  encodeToPayloads,
  encodeMapToPayloads,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { temporal } from '@temporalio/proto';
import { ConfigError, loadConfig } from '../../src/config';
import { startOnboarding } from '../../src/client/onboarding';
import { createDataConverter } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';

const KEYS = parsePayloadKeys(`k1:${randomBytes(32).toString('base64')}`);
const EMAIL = 'linus@example.com';
const PHONE = '5558007777';
const wire = (message: unknown) => JSON.stringify(message);

describe("twofold's data converter", () => {
  const converter = loadDataConverter(createDataConverter(KEYS));

  it('when a failure carries personal data in its message, stack and details, then what goes to Temporal holds none of it, and the receiver gets it all back', async () => {
    const error = ApplicationFailure.create({
      message: `Authy refused ${EMAIL}`,
      type: 'AuthyRejected',
      details: [{ cellphone: PHONE }],
      nonRetryable: true,
    });
    const failure = await encodeErrorToFailure(converter, error);
    const sent = wire(
      temporal.api.failure.v1.Failure.toObject(temporal.api.failure.v1.Failure.fromObject(failure)),
    );
    expect(failure.message).toBe('Encoded failure');
    expect(sent).not.toContain(EMAIL);
    expect(sent).not.toContain(PHONE);
    expect(Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish()).includes(EMAIL)).toBe(false);
    // The type stays in clear: workflows and operators branch on it (no personal data by rule).
    expect(failure.applicationFailureInfo?.type).toBe('AuthyRejected');

    const back = (await decodeOptionalFailureToOptionalError(converter, failure)) as ApplicationFailure;
    expect(back.message).toBe(`Authy refused ${EMAIL}`);
    expect(back.details).toEqual([{ cellphone: PHONE }]);
  });

  it('when memo values and arguments are encoded, then every payload is sealed', async () => {
    const memo = await encodeMapToPayloads(converter, { contact: EMAIL });
    const args = await encodeToPayloads(converter, { email: EMAIL }, PHONE);
    for (const payload of [...Object.values(memo), ...(args ?? [])]) {
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(payload.data!).includes(EMAIL)).toBe(false);
    }
  });
});

describe('startOnboarding for applications', () => {
  it('when the client has no encrypting data converter, then it is refused before anything is sent', async () => {
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    await expect(
      startOnboarding(
        client,
        { userId: 'u-plain', email: EMAIL, countryCode: '1', cellphone: PHONE },
        { taskQueue: 'never-used' },
      ),
    ).rejects.toMatchObject({ name: 'UnencryptedClientError' });
  });
});

describe('payload keys in the configuration', () => {
  const problemsOf = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it.each(['127.0.0.1:7233', 'localhost:7233', '[::1]:7233', '127.0.0.2:7233'])(
    'when Temporal is local (%s) and no keys are set, then the public dev key is used',
    (address) => {
      expect(loadConfig({ TEMPORAL_ADDRESS: address }).temporal.payloadKeys.map((k) => k.id)).toEqual([
        'dev',
      ]);
    },
  );

  it.each(['temporal.internal:7233', 'ns.acct.tmprl.cloud:7233', '127.evil.example:7233', '10.0.0.5:7233'])(
    'when Temporal is not local (%s) and no keys are set, then the start fails naming TWOFOLD_PAYLOAD_KEYS',
    (address) => {
      expect(problemsOf({ TEMPORAL_ADDRESS: address })).toEqual([
        {
          variable: 'TWOFOLD_PAYLOAD_KEYS',
          message: expect.stringMatching(/required when TEMPORAL_ADDRESS/) as string,
        },
      ]);
    },
  );

  it('when NODE_ENV is production, then even a local Temporal needs real keys', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).map((p) => p.variable)).toEqual(['TWOFOLD_PAYLOAD_KEYS']);
  });

  it('when keys are set, then they are used in order, locally or not', () => {
    const value = `new:${randomBytes(32).toString('base64')},old:${randomBytes(32).toString('base64')}`;
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TWOFOLD_PAYLOAD_KEYS: value });
    expect(config.temporal.payloadKeys.map((k) => k.id)).toEqual(['new', 'old']);
  });

  it('when a key is malformed, then the start fails naming the variable and never echoing the key', () => {
    const material = randomBytes(20).toString('base64');
    const problems = problemsOf({ TWOFOLD_PAYLOAD_KEYS: `k1:${material}` });
    expect(problems.map((p) => p.variable)).toEqual(['TWOFOLD_PAYLOAD_KEYS']);
    expect(JSON.stringify(problems)).not.toContain(material);
  });

  it('when codec settings are unset, then port 8089 and the local Web UI origins apply; bad ones are refused', () => {
    const config = loadConfig({});
    expect(config.codec).toEqual({
      port: 8089,
      corsOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'],
    });
    expect(loadConfig({ TWOFOLD_CODEC_CORS_ORIGINS: 'https://cloud.temporal.io' }).codec.corsOrigins).toEqual(
      ['https://cloud.temporal.io'],
    );
    expect(problemsOf({ TWOFOLD_CODEC_CORS_ORIGINS: 'javascript:alert(1)' }).map((p) => p.variable)).toEqual([
      'TWOFOLD_CODEC_CORS_ORIGINS',
    ]);
    expect(problemsOf({ TWOFOLD_CODEC_TOKEN: 'short' }).map((p) => p.variable)).toEqual([
      'TWOFOLD_CODEC_TOKEN',
    ]);
    expect(problemsOf({ CODEC_PORT: '70000' }).map((p) => p.variable)).toEqual(['CODEC_PORT']);
  });
});
