// How Ink is loaded, shared by the wizard and the guided flows (rotate, onboard).
/**
 * Runs `load` with `globalThis.fetch` hidden. Ink's layout engine (yoga) checks `typeof fetch`
 * while it instantiates its WebAssembly, and in Node that check alone loads the whole HTTP client
 * (tens of milliseconds); without fetch, yoga decodes its inline module directly. Put back after.
 */
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!descriptor?.configurable) return load();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, 'fetch', descriptor);
  }
}
