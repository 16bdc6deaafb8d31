// Cutting and quoting text for messages without breaking a character: UTF-16 strings hold characters
// beyond U+FFFF (emoji) as surrogate pairs, and half a pair is not valid Unicode (jq and strict JSON
// readers reject it). Pure.

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** `text` cut to at most `max` UTF-16 units, on a character boundary, with `ellipsis` when cut. */
export function truncateText(text: string, max: number, ellipsis = '...'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  // never end between a high surrogate and its low one
  if (end > 0 && isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end))) end -= 1;
  return `${text.slice(0, end)}${ellipsis}`;
}

/**
 * `message` with every lone surrogate made whole: when `source` has a surrogate pair starting at
 * `at` whose first half is the lone unit (a parser that names "the character" by its first UTF-16
 * unit), the whole character; otherwise U+FFFD.
 */
export function wholeCharacters(message: string, source?: string, at = 0): string {
  if (!/[\ud800-\udfff]/.test(message)) return message;
  const whole =
    source !== undefined && isHigh(source.charCodeAt(at)) && isLow(source.charCodeAt(at + 1))
      ? source.slice(at, at + 2)
      : undefined;
  let out = '';
  for (let i = 0; i < message.length; i++) {
    const unit = message.charCodeAt(i);
    if (isHigh(unit) && isLow(message.charCodeAt(i + 1))) {
      out += message.slice(i, i + 2);
      i++;
    } else if (isHigh(unit) || isLow(unit)) {
      out += whole !== undefined && unit === whole.charCodeAt(0) ? whole : '\ufffd';
    } else out += message[i];
  }
  return out;
}

/** The end of a range that starts at `start`, widened so it does not cut a surrogate pair in two. */
export function wholeCharacterEnd(source: string, start: number, end: number): number {
  return end > 0 && end < source.length && isHigh(source.charCodeAt(end - 1)) && isLow(source.charCodeAt(end))
    ? end + 1
    : Math.max(end, start);
}
