/**
 * Stands for whatever `get` gives now (a thing a `beforeAll`/`beforeEach` starts), so a file can
 * name it once at the top; its methods are bound to it (private fields work). Read before it is
 * started, it throws.
 */
export function current<T extends object>(get: () => T | undefined, what: string): T {
  const now = () => {
    const value = get();
    if (!value) throw new Error(`no ${what} yet`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = now();
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(now(), key, value, now()),
  });
}
