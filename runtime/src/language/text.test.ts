import { describe, expect, it } from 'vitest';
import { truncateText, wholeCharacterEnd, wholeCharacters } from './text.js';

const wellFormed = (s: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('truncateText', () => {
  it('cuts on a character boundary, never inside a surrogate pair', () => {
    const text = `ab${'😀'.repeat(10)}`;
    for (let max = 0; max < text.length; max++) {
      const cut = truncateText(text, max);
      expect(wellFormed(cut), `max ${max}: ${JSON.stringify(cut)}`).toBe(true);
      expect(cut.length).toBeLessThanOrEqual(max + 3);
      expect(text.startsWith(cut.slice(0, -3))).toBe(true);
    }
    expect(truncateText('short', 10)).toBe('short');
    expect(truncateText('ab😀', 3)).toBe('ab...');
  });
});

describe('wholeCharacters', () => {
  it('makes a lone first half whole from the source, else U+FFFD', () => {
    const source = 'x + 😀';
    expect(wholeCharacters('Unexpected character: \ud83d', source, 4)).toBe('Unexpected character: 😀');
    expect(wholeCharacters('lone \udc00 low', source, 0)).toBe('lone \ufffd low');
    expect(wholeCharacters('fine 😀')).toBe('fine 😀');
    expect(wholeCharacterEnd(source, 4, 5)).toBe(6);
    expect(wholeCharacterEnd(source, 0, 1)).toBe(1);
  });
});
