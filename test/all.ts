// The conformance suite: every test file, compiled into one module that each runtime's runner
// imports. Keep this list in step with the files in test/.
import './encoding.test.ts'
import './token.test.ts'
import './chunking.test.ts'
import './compression.test.ts'
import './cookie.test.ts'
import './session.test.ts'
import './with-session.test.ts'
import './hono.test.ts'
import './security-cases.test.ts'
import './properties.test.ts'
import './fuzz.test.ts'
import './concurrency.test.ts'

export { run } from './harness.ts'
