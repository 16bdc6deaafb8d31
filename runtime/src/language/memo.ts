// A memo by string key that forgets everything past a size (the checker sees the same expressions after every
// edit; a file with a million distinct ones must not grow memory without end).

/**
 * `key` in a string of its own. The checker's keys are slices of the checked text, and V8 keeps the whole string
 * a slice was taken from alive as long as the slice: kept as a key (or sliced again by `make`), a 20-character
 * expression would keep the whole file of that check in memory, one old version of the file per new expression.
 * A slice of a concatenation is taken from the concatenation's flat copy, never from the text.
 */
function ownCopy(key: string): string {
  return ` ${key}`.slice(1);
}

export class BoundedMemo<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(key: string, make: (key: string) => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      const own = ownCopy(key);
      value = make(own);
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(own, value);
    }
    return value;
  }
}
