// Node 18 started without --experimental-global-webcrypto has no `globalThis.crypto`. This entry
// runs alone there (test/run.mjs, target node18-no-webcrypto) and checks how the library meets
// such a user: importing it works, setup fails with ERR_NO_WEBCRYPTO naming both fixes, and the
// one line the README documents, run after the import, is all it takes.
import { ConfigurationError, withSession } from 'sealed-session'
import { session } from 'sealed-session/hono'
import { equal, match, ok, rejects, test, throws } from './harness.ts'
import { counter, request, SECRET, send } from './helpers.ts'

export { run } from './harness.ts'

function namesBothFixes(error: unknown): void {
  ok(error instanceof ConfigurationError, 'a ConfigurationError')
  match(error.message, /--experimental-global-webcrypto/)
  match(error.message, /globalThis\.crypto \?\?= \(await import\('node:crypto'\)\)\.webcrypto/)
}

test('no WebCrypto › this runtime really has no globalThis.crypto (else this file proves nothing)', () => {
  equal(typeof globalThis.crypto, 'undefined')
})

test('no WebCrypto › withSession throws ERR_NO_WEBCRYPTO at setup, naming the flag and the shim', () => {
  namesBothFixes(throws(() => withSession(() => new Response('x'), { secret: SECRET }), 'ERR_NO_WEBCRYPTO'))
})

test('no WebCrypto › the Hono middleware throws the same at setup', () => {
  namesBothFixes(throws(() => session({ secret: SECRET }), 'ERR_NO_WEBCRYPTO'))
})

test('no WebCrypto › options given as a function: the first request rejects with it', async () => {
  const app = withSession(
    () => new Response('x'),
    () => ({ secret: SECRET }),
  )
  namesBothFixes(await rejects(app(request('/')), 'ERR_NO_WEBCRYPTO'))
})

test('no WebCrypto › the documented one-line shim, run after the import, makes sessions work', async () => {
  // The README's line. The specifier is a variable only because the suite is type-checked without
  // Node's types; Node runs the same import.
  const nodeCrypto = 'node:crypto'
  globalThis.crypto ??= (await import(nodeCrypto)).webcrypto as Crypto
  const app = counter()
  const first = await send(app)
  equal(first.body, '1')
  equal((await send(app, first.cookie)).body, '2')
})
