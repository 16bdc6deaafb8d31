// A memo by string key that forgets everything past a size (the checker sees the same expressions after every
// edit; a file with a million distinct ones must not grow memory without end).

export class BoundedMemo<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly limit: number) {}

  get(key: string, make: (key: string) => T): T {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make(key);
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
