// Node 18 without --experimental-global-webcrypto, set up the way the README tells Node 18 users:
// the one documented line, then the same runner as every other Node.
//   node test/runtimes/node-shim.mjs <suite.js> [filter]
globalThis.crypto ??= (await import('node:crypto')).webcrypto
await import('./node.mjs')
