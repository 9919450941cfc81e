import { checkFactorVerified, checkSubmitTotpCode } from '../../src/shared/onboarding-messages';

// The runtime checks of the Verify messages (docs/verify.md, "The onboarding on Verify"): anything a
// Temporal client sends may arrive, so the workflow checks each payload before it touches state.

const FACTOR = `YF${'a'.repeat(32)}`;

describe('checkFactorVerified', () => {
  it('when the payload has an event id, identity and factor SID, then it is accepted (factorType and occurredAt optional)', () => {
    expect(checkFactorVerified({ eventId: 'e1', identity: 'tf-1', factorSid: FACTOR })).toEqual({
      ok: true,
      value: { eventId: 'e1', identity: 'tf-1', factorSid: FACTOR },
    });
    expect(
      checkFactorVerified({
        eventId: 'e1',
        identity: 'tf-1',
        factorSid: FACTOR,
        factorType: 'push',
        occurredAt: '2026-01-01T00:00:00Z',
      }).ok,
    ).toBe(true);
  });

  it.each([
    [null, 'payload must be an object'],
    [{ identity: 'tf-1', factorSid: FACTOR }, 'eventId must be a non-empty string'],
    [{ eventId: 'e', factorSid: FACTOR }, 'identity must be a non-empty string'],
    [{ eventId: 'e', identity: 'tf-1', factorSid: '' }, 'factorSid must be a non-empty string'],
    [
      { eventId: 'e', identity: 'x'.repeat(201), factorSid: FACTOR },
      'identity must be at most 200 characters',
    ],
    [
      { eventId: 'e', identity: 'tf-1', factorSid: FACTOR, factorType: 7 },
      'factorType must be a non-empty string',
    ],
    [
      { eventId: 'e', identity: 'tf-1', factorSid: FACTOR, occurredAt: 'yesterday' },
      'occurredAt must be an ISO 8601 timestamp',
    ],
  ])('when the payload is %j, then it is refused: %s', (payload, problem) => {
    expect(checkFactorVerified(payload)).toEqual({ ok: false, problem });
  });
});

describe('checkSubmitTotpCode', () => {
  it('when the code is 3 to 8 digits, then only the code is kept', () => {
    expect(checkSubmitTotpCode({ code: '123456', extra: 'dropped' })).toEqual({
      ok: true,
      value: { code: '123456' },
    });
    expect(checkSubmitTotpCode({ code: '123' }).ok).toBe(true);
    expect(checkSubmitTotpCode({ code: '12345678' }).ok).toBe(true);
  });

  it.each([
    [{ code: '12' }],
    [{ code: '123456789' }],
    [{ code: '12a456' }],
    [{ code: 123456 }],
    [{}],
    [null],
  ])('when the payload is %j, then it is refused', (payload) => {
    expect(checkSubmitTotpCode(payload).ok).toBe(false);
  });
});
