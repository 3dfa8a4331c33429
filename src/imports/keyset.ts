/**
 * The external ids an import has seen, kept as 64-bit fingerprints in an open-addressing table
 * (16 bytes a row, no strings kept), with the line of each first occurrence. A hit means "probably
 * seen": callers confirm it against the database before calling a row a duplicate.
 */
export class KeySet {
  private hashes = new Uint32Array(2 * 1024);
  private lines = new Int32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The line of the first occurrence of a key with the same fingerprint, or null. */
  lineOf(key: string): number | null {
    const [hi, lo] = fingerprint(key);
    const slot = this.find(hi, lo);
    return this.hashes[slot * 2] === 0 && this.hashes[slot * 2 + 1] === 0 ? null : (this.lines[slot] ?? null);
  }

  /** Adds the key; returns false when its fingerprint was already there. */
  add(key: string, line: number): boolean {
    if ((this.count + 1) * 2 > this.lines.length) this.grow();
    const [hi, lo] = fingerprint(key);
    const slot = this.find(hi, lo);
    if (this.hashes[slot * 2] !== 0 || this.hashes[slot * 2 + 1] !== 0) return false;
    this.hashes[slot * 2] = hi;
    this.hashes[slot * 2 + 1] = lo;
    this.lines[slot] = line;
    this.count++;
    return true;
  }

  private find(hi: number, lo: number): number {
    const mask = this.lines.length - 1;
    let slot = lo & mask;
    for (;;) {
      const h = this.hashes[slot * 2];
      const l = this.hashes[slot * 2 + 1];
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow() {
    const oldHashes = this.hashes;
    const oldLines = this.lines;
    this.hashes = new Uint32Array(oldHashes.length * 2);
    this.lines = new Int32Array(oldLines.length * 2);
    for (let slot = 0; slot < oldLines.length; slot++) {
      const hi = oldHashes[slot * 2] ?? 0;
      const lo = oldHashes[slot * 2 + 1] ?? 0;
      if (hi === 0 && lo === 0) continue;
      const target = this.find(hi, lo);
      this.hashes[target * 2] = hi;
      this.hashes[target * 2 + 1] = lo;
      this.lines[target] = oldLines[slot] ?? 0;
    }
  }
}

/** Two independent 32-bit hashes (FNV-1a and a multiplicative mix) of the UTF-16 code units; never (0, 0). */
export function fingerprint(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  a >>>= 0;
  b >>>= 0;
  return a === 0 && b === 0 ? [0, 1] : [a, b];
}
