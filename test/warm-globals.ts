// Imported before the poisoning snapshot (see all.ts). Runtimes define many Web API globals as
// getters that replace themselves with the real value on first use (Node does this for
// TextEncoder, CompressionStream, Request...); touching them first keeps that runtime
// bookkeeping out of the comparison, which then shows only what the suite changed.
const g = globalThis as Record<string, unknown>
for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(globalThis))) {
  if (descriptor.get && /^(?:[A-Z]|atob$|btoa$|crypto$|performance$|fetch$|structuredClone$)/.test(name)) {
    try {
      void g[name]
    } catch {
      // A global this runtime refuses to build; the snapshot records it as it is.
    }
  }
}
