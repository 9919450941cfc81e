import type { Context } from 'koa';
import { isRecord } from '../../shared/is-record';
import { verifyErrors } from './errors';

/**
 * The parameters of a Verify v2 request: the query string and an `application/x-www-form-urlencoded`
 * body, with names as Twilio spells them (`Binding.PublicKey`, `Details.Fields`) and repeated names
 * kept as lists (`EventTypes=a&EventTypes=b`). Body values win over query values of the same name.
 */
export class VerifyParams {
  private constructor(private readonly values: Map<string, string[]>) {}

  static of(ctx: Context): VerifyParams {
    const values = new Map<string, string[]>();
    const add = (entries: Iterable<[string, string]>) => {
      const fromThisSource = new Set<string>();
      for (const [name, value] of entries) {
        if (!fromThisSource.has(name)) values.set(name, []);
        fromThisSource.add(name);
        values.get(name)!.push(value);
      }
    };
    add(new URLSearchParams(ctx.querystring));
    const rawBody = (ctx.request as { rawBody?: unknown }).rawBody;
    if (ctx.request.is('application/x-www-form-urlencoded') && typeof rawBody === 'string') {
      add(new URLSearchParams(rawBody));
    } else if (isRecord(ctx.request.body)) {
      add(flatJson(ctx.request.body));
    }
    return new VerifyParams(values);
  }

  /** Parameters given directly (the control API builds the device's requests with it). */
  static from(entries: Iterable<[string, string]>): VerifyParams {
    const values = new Map<string, string[]>();
    for (const [name, value] of entries) values.set(name, [...(values.get(name) ?? []), value]);
    return new VerifyParams(values);
  }

  /** The last value of `name`, or undefined; `caseInsensitive` for names clients spell differently. */
  get(name: string, caseInsensitive = false): string | undefined {
    const values = caseInsensitive ? this.lookupIgnoringCase(name) : this.values.get(name);
    return values === undefined ? undefined : values[values.length - 1];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** A required text parameter: missing or empty answers 400 / 60300 naming it. */
  required(name: string, maxLength: number): string {
    const value = this.get(name);
    if (value === undefined || value.trim() === '')
      throw verifyErrors.invalidParameter(`${name} is required`);
    return checkLength(name, value, maxLength);
  }

  optional(name: string, maxLength: number): string | undefined {
    const value = this.get(name);
    return value === undefined ? undefined : checkLength(name, value, maxLength);
  }

  /** An optional whole number in [min, max]. */
  integer(name: string, min: number, max: number): number | undefined {
    const value = this.get(name);
    if (value === undefined || value === '') return undefined;
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || number < min || number > max)
      throw verifyErrors.invalidParameter(`${name} must be an integer from ${min} to ${max}`);
    return number;
  }

  /** An optional value from a fixed list (compared as given; Twilio's enums are lower-case). */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value))
      throw verifyErrors.invalidParameter(`${name} must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  /**
   * An optional JSON object of string values given as a JSON string (`HiddenDetails`, `Metadata`).
   * Parsed, never compared as text: twilio-python puts spaces after the separators.
   */
  stringMap(name: string, maxLength: number): Record<string, string> | undefined {
    const value = this.optional(name, maxLength);
    if (value === undefined) return undefined;
    const parsed = parseJson(name, value);
    if (!isRecord(parsed) || Object.values(parsed).some((item) => typeof item !== 'string'))
      throw verifyErrors.invalidParameter(`${name} must be a JSON object of string values`);
    return parsed as Record<string, string>;
  }

  private lookupIgnoringCase(name: string): string[] | undefined {
    const wanted = name.toLowerCase();
    for (const [key, values] of this.values) if (key.toLowerCase() === wanted) return values;
    return undefined;
  }
}

/** Parses a JSON parameter or answers 400 / 60300 naming it. */
export function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw verifyErrors.invalidParameter(`${name} is not valid JSON`);
  }
}

function checkLength(name: string, value: string, maxLength: number): string {
  if (value.length > maxLength)
    throw verifyErrors.invalidParameter(`${name} is longer than ${maxLength} characters`);
  return value;
}

/** A JSON body (not what Twilio's clients send, but accepted) as name/value pairs. */
function* flatJson(body: Record<string, unknown>): Iterable<[string, string]> {
  for (const [name, value] of Object.entries(body)) {
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (item === undefined || item === null) continue;
      yield [name, typeof item === 'string' ? item : JSON.stringify(item)];
    }
  }
}
