import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, KeySet } from './keyset.ts';

describe('KeySet', () => {
  it('remembers the first line of every key and tells new keys from seen ones', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3000 }), (keys) => {
        const set = new KeySet();
        const first = new Map<string, number>();
        keys.forEach((key, line) => {
          const added = set.add(key, line);
          expect(added).toBe(!first.has(key));
          if (!first.has(key)) first.set(key, line);
        });
        for (const [key, line] of first) expect(set.lineOf(key)).toBe(line);
        expect(set.size).toBe(first.size);
      }),
      { numRuns: 30 },
    );
  });

  it('gives a million distinct ids distinct fingerprints', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(fingerprint(`NF-${i}/1`).join(':'));
    expect(seen.size).toBe(1_000_000);
  });
});
