/**
 * Columnar index of reporting events, kept sorted by (time, serial): 13 bytes per event (time,
 * serial, event code), so a million events fit in ~13 MB and a time window is two binary searches.
 * Payloads live elsewhere, keyed by serial (see ReportingLog).
 */
export class EventStore {
  private times = new Float64Array(1024);
  private serials = new Uint32Array(1024);
  private codes = new Uint8Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  timeAt(index: number): number {
    return this.times[index]!;
  }

  serialAt(index: number): number {
    return this.serials[index]!;
  }

  codeAt(index: number): number {
    return this.codes[index]!;
  }

  /** First index whose time is >= `time` (size when none). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds one event; serials grow, so it goes after any event with the same time. */
  insert(time: number, serial: number, code: number): void {
    this.insertBatch(Float64Array.of(time), Uint32Array.of(serial), Uint8Array.of(code));
  }

  /**
   * Merges a batch sorted by time whose serials are all larger than any stored one. Appends when the
   * batch is newer than everything stored (the common case), otherwise merges from the back in place.
   */
  insertBatch(times: Float64Array, serials: Uint32Array, codes: Uint8Array): void {
    const added = times.length;
    if (added === 0) return;
    this.reserve(this.count + added);
    const n = this.count;
    if (n === 0 || this.times[n - 1]! <= times[0]!) {
      this.times.set(times, n);
      this.serials.set(serials, n);
      this.codes.set(codes, n);
      this.count = n + added;
      return;
    }
    let i = n - 1;
    let j = added - 1;
    let k = n + added - 1;
    while (j >= 0) {
      // On equal times the batch goes last: its serials are newer.
      if (i >= 0 && this.times[i]! > times[j]!) {
        this.times[k] = this.times[i]!;
        this.serials[k] = this.serials[i]!;
        this.codes[k] = this.codes[i]!;
        i -= 1;
      } else {
        this.times[k] = times[j]!;
        this.serials[k] = serials[j]!;
        this.codes[k] = codes[j]!;
        j -= 1;
      }
      k -= 1;
    }
    this.count = n + added;
  }

  clear(): void {
    this.times = new Float64Array(1024);
    this.serials = new Uint32Array(1024);
    this.codes = new Uint8Array(1024);
    this.count = 0;
  }

  /** Bytes held by the columns (capacity, not just size). */
  get byteLength(): number {
    return this.times.byteLength + this.serials.byteLength + this.codes.byteLength;
  }

  private reserve(needed: number): void {
    if (needed <= this.times.length) return;
    let capacity = this.times.length;
    while (capacity < needed) capacity *= 2;
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.count));
    const serials = new Uint32Array(capacity);
    serials.set(this.serials.subarray(0, this.count));
    const codes = new Uint8Array(capacity);
    codes.set(this.codes.subarray(0, this.count));
    this.times = times;
    this.serials = serials;
    this.codes = codes;
  }
}
