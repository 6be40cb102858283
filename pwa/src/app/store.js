// A tiny store: one state object, shallow patches, subscribers. Views subscribe to what they
// show (optionally through a selector, called only when the selected value changes).

export function createStore(initial) {
  let state = initial;
  const subs = new Set();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
      subs.forEach((fn) => fn(state));
    },
    /** subscribe(fn) or subscribe(selector, fn); returns the unsubscribe function. */
    subscribe(selector, fn) {
      if (!fn) { fn = selector; selector = (s) => s; }
      let last = selector(state);
      const sub = (s) => {
        const next = selector(s);
        if (!shallowEqual(next, last)) { last = next; fn(next, s); }
      };
      subs.add(sub);
      return () => subs.delete(sub);
    },
  };
}

export function shallowEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}
