import { GatewayHttpError } from './errors';

/**
 * Shape limits of a webhook body, checked on the raw text before it is parsed or any signature is
 * computed. An Authy OneTouch callback nests 4 levels (`approval_request.transaction.hidden_details`)
 * and carries a few dozen values; a webhook delivery is `{ body: "<jwt>" }`. Signing a body means
 * flattening it with qs, whose cost grows with the square of the nesting depth, so without these
 * limits a 48 KB body of nested arrays costs seconds of CPU and deeper ones overflow the stack.
 */
export interface InputLimits {
  /** Deepest nesting of objects and arrays in a JSON body; the top-level object is depth 1. */
  maxJsonDepth: number;
  /** Most leaves in a JSON body: strings, numbers, booleans, nulls and empty objects or arrays. */
  maxJsonLeaves: number;
  /** Most `name=value` parameters in a form body or a query string (also qs's `parameterLimit`). */
  maxFormParameters: number;
}

/** The limits the gateway applies (docs/gateway.md, "Hostile input"). */
export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxJsonDepth: 8,
  maxJsonLeaves: 200,
  maxFormParameters: 200,
};

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function tooComplex(message: string): GatewayHttpError {
  return new GatewayHttpError(400, 'bad_request', message);
}

/**
 * Refuses JSON text nested deeper than `maxJsonDepth` or holding more than `maxJsonLeaves` leaves,
 * in one pass over the characters with no recursion and no allocation, stopping at the first
 * excess. It does not validate the JSON (JSON.parse does that next); on malformed text the counts
 * are approximate but still bounded by its length.
 */
export function assertJsonWithinLimits(text: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  // Per open container: true for arrays (every element is a value), false for objects (keys first).
  const inArray: boolean[] = [];
  let inString = false;
  let escaped = false;
  let expectingValue = true;
  let justOpened = false;
  let leaves = 0;
  const leaf = () => {
    leaves += 1;
    if (leaves > limits.maxJsonLeaves) {
      throw tooComplex(`the JSON body holds more than ${limits.maxJsonLeaves} values`);
    }
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (code === BACKSLASH) escaped = true;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (isWhitespace(code)) continue;
    const opened = justOpened;
    justOpened = false;
    switch (code) {
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (inArray.length >= limits.maxJsonDepth) {
          throw tooComplex(`the JSON body is nested deeper than ${limits.maxJsonDepth} levels`);
        }
        inArray.push(code === OPEN_ARRAY);
        expectingValue = code === OPEN_ARRAY;
        justOpened = true;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (opened) leaf(); // an empty object or array is a leaf
        inArray.pop();
        expectingValue = false;
        break;
      case COMMA:
        expectingValue = inArray[inArray.length - 1] ?? false;
        break;
      case COLON:
        expectingValue = true;
        break;
      case QUOTE:
        inString = true;
        if (expectingValue) leaf(); // a string value (an object key is not a leaf)
        expectingValue = false;
        break;
      default:
        // The first character of a number, true, false or null; the rest of it is skipped.
        if (expectingValue) leaf();
        expectingValue = false;
    }
  }
}

/**
 * Refuses form or query text with more than `maxFormParameters` `&`-separated parts before qs
 * parses it (qs alone would silently drop the excess, and the signature would then be computed
 * over a different set than was sent). Empty parts count, as they do for qs's `parameterLimit`.
 */
export function assertFormWithinLimits(text: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  if (text === '') return;
  let parameters = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    parameters += 1;
    if (parameters > limits.maxFormParameters) {
      throw tooComplex(`the form holds more than ${limits.maxFormParameters} parameters`);
    }
  }
}
