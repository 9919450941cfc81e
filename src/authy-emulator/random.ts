/**
 * Integer hash of (seed, serial, salt). Stateless, so a synthetic event can be rebuilt from its
 * serial alone and a million of them need no stored payload.
 */
export function hash32(seed: number, serial: number, salt = 0): number {
  let x = mix32((seed ^ 0x9e3779b9) >>> 0);
  x = mix32((x ^ serial) >>> 0);
  return mix32((x + Math.imul(salt + 1, 0x85ebca6b)) >>> 0);
}

/** A hash in [0, 1). */
export function hashUnit(seed: number, serial: number, salt = 0): number {
  return hash32(seed, serial, salt) / 0x1_0000_0000;
}

function mix32(value: number): number {
  let x = value;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Eight lower-case hex digits. */
export function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * A seeded pseudo-random stream (sfc32). The emulator keeps one stream per concern (ids, faults,
 * deliveries), so turning faults on does not change the ids a run produces.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = hash32(seed, stream, 1);
    this.b = hash32(seed, stream, 2);
    this.c = hash32(seed, stream, 3);
    this.d = 1;
    for (let i = 0; i < 12; i += 1) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** True with the given probability (0 never draws, so an unset fault costs no randomness). */
  chance(probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.next() < probability;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(this.nextUint32());
    return out.slice(0, length);
  }

  /** A UUID-shaped id (8-4-4-4-12 hex), like Authy's approval request uuids. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
