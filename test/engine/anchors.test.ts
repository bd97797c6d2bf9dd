// AnchorSet finds every literal occurring in a text, nested and overlapping ones included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AnchorSet } from '../../src/engine/anchors.js';

const found = (set: AnchorSet, text: string) => [...set.find(text)].map((i) => set.literals[i]).sort();

describe('AnchorSet', () => {
  it('finds nested, overlapping and repeated literals once each', () => {
    const set = new AnchorSet(['failed to ', 'failed to find member ', 'member ', 'find', 'a.b', '(got ']);
    expect(found(set, 'rafthttp: failed to find member 325b in cluster 9427')).toEqual(['failed to ', 'failed to find member ', 'find', 'member ']);
    expect(found(set, 'member member member')).toEqual(['member ']);
    expect(found(set, 'axb (got x) a.b')).toEqual(['(got ', 'a.b']);
    expect(found(set, 'nothing here')).toEqual([]);
  });

  it('agrees with includes on random texts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', '.', '('), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '(', ' '), maxLength: 40 }), (literals, text) => {
        const set = new AnchorSet(literals);
        expect(found(set, text)).toEqual(literals.filter((l) => text.includes(l)).sort());
      }),
    );
  });

  it('handles an empty set', () => {
    expect(found(new AnchorSet([]), 'anything')).toEqual([]);
  });
});
