// The conformance suite: every test file, compiled into one module that each runtime's runner
// imports. Every test/**/*.test.ts must be imported here: test/run.mjs refuses to compile the
// suite while one is missing (test/suite-list.mjs).
// First: snapshots every global, for the poisoning check that runs last.
import './warm-globals.ts'
import '@fast-check/poisoning'
import './encoding.test.ts'
import './token.test.ts'
import './seal.test.ts'
import './chunking.test.ts'
import './compression.test.ts'
import './cookie.test.ts'
import './session.test.ts'
import './with-session.test.ts'
import './hono.test.ts'
import './astro.test.ts'
import './next.test.ts'
import './sveltekit.test.ts'
import './react-router.test.ts'
import './store.test.ts'
import './legacy.test.ts'
import './serializer.test.ts'
import './cache.test.ts'
import './cost.test.ts'
// SECURITY.md's bad-input list, one file per heading, in the document's order.
import './security/integrity.test.ts'
import './security/time.test.ts'
import './security/encoding-and-payload.test.ts'
import './security/cookie-header.test.ts'
import './security/writing.test.ts'
import './security/concurrency-and-runtimes.test.ts'
import './security/beyond-the-list.test.ts'
import './properties.test.ts'
import './store-model.test.ts'
import './fuzz.test.ts'
import './revocation.test.ts'
import './revocation-stores.test.ts'
import './device-bound.test.ts'
import './device-bound-input.test.ts'
import './device-bound-e2e.test.ts'
// The security review of issue 19: every test here fails until its finding is fixed.
import './attack-regressions.test.ts'
// Last: compares every global with the snapshot taken above.
import './poisoning.test.ts'

// workerd binds this class to the Durable Object the revocation store tests use.
export { RevocationObject } from 'sealed-session/revocation'
export { run } from './harness.ts'
