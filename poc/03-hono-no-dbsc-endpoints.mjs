// docs/device-bound.md and the JSDoc of sealed-session/device-bound say the Hono middleware
// answers the two DBSC endpoints before the app. It does not: the registration POST reaches the
// app (a 404), the browser never binds, and every session silently stays unbound.
import { Hono } from 'hono'
import { withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { session } from 'sealed-session/hono'
import { challengeOf, device, live, req, SECRET, verdict } from './common.mjs'

async function run(kind) {
  const binding = deviceBound()
  const options = { secret: SECRET, deviceBinding: binding }
  const login = (s) => {
    s.regenerate()
    s.set('user', 'ada')
    binding.bind(s)
  }
  let handler
  if (kind === 'hono') {
    const app = new Hono()
    app.use(session(options))
    app.post('/login', (c) => {
      login(c.var.session)
      return c.text('in')
    })
    handler = (r) => app.fetch(r)
  } else {
    handler = withSession((r, s) => {
      if (new URL(r.url).pathname === '/login') login(s)
      return new Response('in')
    }, options)
  }
  const res = await handler(req('/login', undefined, {}, { method: 'POST' }))
  const dev = await device()
  const jwt = await dev.proof(challengeOf(res), true)
  const reg = await handler(
    req('/__session/dbsc/register', live(res), { 'secure-session-response': jwt }, { method: 'POST' }),
  )
  return reg.status
}
const [w, h] = [await run('withSession'), await run('hono')]
console.log(`            withSession: POST /__session/dbsc/register -> ${w}`)
verdict(
  h !== 200,
  'Hono middleware does not serve the DBSC endpoints (documented as served)',
  `hono: POST /__session/dbsc/register -> ${h}`,
)
