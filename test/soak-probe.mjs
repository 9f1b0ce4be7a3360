// Preloaded into the soak's demo server (`node --expose-gc --import ./test/soak-probe.mjs`), so
// the example itself carries no diagnostics: on an IPC 'heap' message it runs a full garbage
// collection and answers with what is still alive.
if (typeof process.send === 'function' && typeof globalThis.gc === 'function') {
  process.on('message', (message) => {
    if (message !== 'heap') return
    globalThis.gc()
    const { heapUsed, rss } = process.memoryUsage()
    process.send({ heapUsed, rss })
  })
}
