// Parsing PEM material with node:crypto costs far more than the rest of a policy check, and the same key text
// is re-checked on every keystroke: results are kept per exact text, in a small map that forgets the oldest.
export function memoizeByText<T>(fn: (text: string) => T, maxEntries = 256): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = fn(text);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(text, value);
    return value;
  };
}
