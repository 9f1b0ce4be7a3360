// An options function's `now` is documented as taken from each call ("not cached on"). But the
// store built on the FIRST call keeps that call's `now` in its configuration, and the legacy
// readers (iron expiry, migrated session's createdAt) and the DBSC endpoints read that one.
import * as Iron from 'iron-webcrypto'
import { withSession } from 'sealed-session'
import { iron } from 'sealed-session/legacy/iron'
import { DAY, req, SECRET, T0, verdict } from './common.mjs'

const PASSWORD = 'iron-password-0123456789-abcdefghijklmnop'
const reader = iron({ cookieName: 'old', password: PASSWORD })
// iron-session 8 seal of { user: 'ada' } expiring at T0 + 1 day
const seal = await Iron.seal(
  { user: 'ada' },
  { id: '1', secret: PASSWORD },
  {
    ...Iron.defaults,
    ttl: DAY,
    localtimeOffsetMsec: T0 - Date.now(),
  },
)
const cookie = `old=${seal}~2`

const seen = []
const app = withSession(
  (_request, session) => {
    seen.push(session.get('user') ?? null)
    return new Response('ok')
  },
  // The app's clock per request (tests, Workers with an injected clock, ...): a fresh closure
  // per call, as the resolver's comment says is supported.
  (_request, env) => ({ secret: SECRET, legacy: [reader], now: () => env.now }),
)
await app(req('/'), { now: T0 }) // first call: any request builds the store
const res = await app(req('/', cookie), { now: T0 + 30 * DAY }) // 29 days after the iron seal expired
verdict(
  seen[1] === 'ada',
  'expired iron-session seal accepted through an options function with a per-call now',
  `session.get('user') = ${JSON.stringify(seen[1])} (expected null: iron seal expired at T0+1d, request at T0+30d)`,
)
const set = res.headers.getSetCookie().find((c) => c.startsWith('session='))
verdict(
  /Max-Age=0/.test(set ?? ''),
  'migrated session re-sealed with createdAt from the stale clock',
  `Set-Cookie: ${set?.slice(0, 40)}... ${set?.match(/Max-Age=\d+/)?.[0]}`,
)

// Control: a static clock variable read through one shared closure behaves.
let t = T0
const seen2 = []
const app2 = withSession(
  (_r, s) => {
    seen2.push(s.get('user') ?? null)
    return new Response('')
  },
  () => ({ secret: SECRET, legacy: [reader], now: () => t }),
)
await app2(req('/'))
t = T0 + 30 * DAY
await app2(req('/', cookie))
console.log(`            control (one shared closure): user = ${JSON.stringify(seen2[1])}`)

// The same stale clock in the DBSC endpoints (store.ts gateStore.open reads parts.config.now).
const { deviceBound } = await import('sealed-session/device-bound')
const { challengeOf, device, live } = await import('./common.mjs')
const binding = deviceBound() // challengeTtl 120 s, lifetime 600 s
const dbsc = withSession(
  (request, session) => {
    if (new URL(request.url).pathname === '/login') {
      session.set('user', 'ada')
      binding.bind(session)
    }
    return new Response(session.get('user') ?? 'anon')
  },
  (_request, env) => ({ secret: SECRET, deviceBinding: binding, now: () => env.now }),
)
const NOW = T0 + 90 * DAY
await dbsc(req('/'), { now: T0 }) // the store is built at T0
const login = await dbsc(req('/login', undefined, {}, { method: 'POST' }), { now: NOW })
const dev = await device()
// Registration right after login, by the browser that got the challenge.
const reg = await dbsc(
  req(
    '/__session/dbsc/register',
    live(login),
    { 'secure-session-response': await dev.proof(challengeOf(login), true) },
    { method: 'POST' },
  ),
  { now: NOW + 1000 },
)
verdict(
  reg.status !== 200,
  "DBSC registration refused: the endpoint opens the session with the first call's clock",
  `POST register -> ${reg.status} (expected 200; the endpoint sees a session created 90 days in its future)`,
)
