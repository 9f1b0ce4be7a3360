// deviceBound({ cookieName }) only refuses the session cookie's own name. `session.1` (a chunk
// name of the session cookie) is accepted at setup; with chunking on, the bound cookie then reads
// as a leftover chunk, and every bound session is refused ('chunks') on its next request.
import { withSession } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { deviceBound } from 'sealed-session/device-bound'
import { challengeOf, device, live, req, SECRET, verdict } from './common.mjs'

let binding, setupError
try {
  binding = deviceBound({ cookieName: 'session.1' })
} catch (e) {
  setupError = e
}
const reasons = []
const app = withSession(
  (request, session) => {
    if (new URL(request.url).pathname === '/login') {
      session.set('user', 'ada')
      binding.bind(session)
    }
    return new Response(session.get('user') ?? 'anon')
  },
  { secret: SECRET, chunks: chunking(3), deviceBinding: binding, onInvalid: (r) => reasons.push(r) },
)
const login = await app(req('/login', undefined, {}, { method: 'POST' }))
const dev = await device()
const reg = await app(
  req(
    '/__session/dbsc/register',
    live(login),
    { 'secure-session-response': await dev.proof(challengeOf(login), true) },
    { method: 'POST' },
  ),
)
const page = await app(req('/', live(reg)))
verdict(
  !setupError && (await page.text()) === 'anon',
  "bound cookie named like a session chunk ('session.1') accepted at setup; bound sessions then refused",
  `register -> ${reg.status}; next page: ${JSON.stringify(await (await app(req('/', live(reg)))).text())}; onInvalid: ${reasons.join(', ')}`,
)
