// The conformance suite: every test file, compiled into one module that each runtime's runner
// imports. Keep this list in step with the files in test/.
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
import './hardening.test.ts'
import './store.test.ts'
import './serializer.test.ts'
import './cache.test.ts'
import './cost.test.ts'
import './security-cases.test.ts'
import './properties.test.ts'
import './fuzz.test.ts'
import './concurrency.test.ts'
import './revocation.test.ts'
import './revocation-stores.test.ts'
// Last: compares every global with the snapshot taken above.
import './poisoning.test.ts'

// workerd binds this class to the Durable Object the revocation store tests use.
export { RevocationObject } from 'sealed-session/revocation'
export { run } from './harness.ts'
