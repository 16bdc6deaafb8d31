// YAML 1.2 core schema scalars, resolved exactly as yaml's core schema resolves them (js-yaml's own differ at the
// edges): the plain scalar `true` is a boolean, `0x1F` an integer, `.nan` a float, `~` null, anything else a string.

/** A cheap first test before a type's regex (most plain scalars are words that no core type starts with). */
function startsWith(data: string, firsts: string, orEmpty = false): boolean {
  return data.length === 0 ? orEmpty : firsts.includes(data[0]!);
}

export const isCoreNull = (data: string): boolean =>
  startsWith(data, '~nN', true) && /^(?:~|[Nn]ull|NULL)?$/.test(data);

export const isCoreBool = (data: string): boolean =>
  startsWith(data, 'tTfF') && /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(data);

export const coreBool = (data: string): boolean => data[0] === 't' || data[0] === 'T';

export const isCoreInt = (data: string): boolean =>
  startsWith(data, '-+0123456789') && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data);

export const coreInt = (data: string): number =>
  data[1] === 'o'
    ? parseInt(data.slice(2), 8)
    : data[1] === 'x'
      ? parseInt(data.slice(2), 16)
      : parseInt(data, 10);

export const isCoreFloat = (data: string): boolean =>
  startsWith(data, '-+.0123456789') &&
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(
    data,
  );

export function coreFloat(data: string): number {
  const tail = data.slice(-3).toLowerCase();
  if (tail === 'nan' && data.includes('.n')) return Number.NaN;
  if (tail === 'inf' && data.includes('.')) return data[0] === '-' ? -Infinity : Infinity;
  return parseFloat(data);
}

/** The value of a plain scalar. */
export function plainValue(data: string): unknown {
  const c = data.charCodeAt(0);
  // Letters no core type starts with: a string (most keys and words).
  if (c >= 97 && c <= 122 && c !== 116 && c !== 102 && c !== 110) return data;
  if (isCoreNull(data)) return null;
  if (isCoreBool(data)) return coreBool(data);
  if (isCoreInt(data)) return coreInt(data);
  if (isCoreFloat(data)) return coreFloat(data);
  return data;
}
