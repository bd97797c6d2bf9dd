// TextMemo keeps a text's value from its second miss on, never keeps over-long texts, and a
// collision only evicts (a get answers for the very text it was given or not at all).
import { describe, expect, it } from 'vitest';
import { TextMemo } from '../../src/parsers/text-memo.js';

describe('TextMemo', () => {
  it('admits a text on its second miss and then finds it', () => {
    const m = new TextMemo<number>(4, 100);
    expect(m.get('request took too long')).toBeUndefined();
    expect(m.admits()).toBe(false);
    expect(m.get('request took too long')).toBeUndefined();
    expect(m.admits()).toBe(true);
    m.set('request took too long', 7);
    expect(m.get('request took too long')).toBe(7);
    expect(m.get('request took too lonG')).toBeUndefined();
  });

  it('never keeps texts longer than its limit', () => {
    const m = new TextMemo<number>(4, 5);
    for (let i = 0; i < 3; i++) {
      expect(m.get('longer text')).toBeUndefined();
      expect(m.admits()).toBe(false);
      m.set('longer text', 1);
    }
    expect(m.get('longer text')).toBeUndefined();
  });

  it('answers only for the text kept in a slot, with many texts in few slots', () => {
    const m = new TextMemo<string>(2, 100);
    const texts = Array.from({ length: 50 }, (_, i) => `peer ${i.toString(16)} became active`);
    for (let round = 0; round < 3; round++) {
      for (const t of texts) {
        const v = m.get(t);
        if (v !== undefined) expect(v).toBe(t.toUpperCase());
        else if (m.admits()) m.set(t, t.toUpperCase());
      }
    }
  });
});
