// Device-bound sessions (sealed-session/device-bound): the gate's policy and both DBSC endpoints,
// driven by a WebCrypto key pair standing in for the browser. The bad-input list of the issue is
// at the end: each case gets a 4xx with no body and no cookie, and nothing is sealed.
import { deviceBound } from 'sealed-session/device-bound'
import {
  ATTRIBUTES,
  challengeIn,
  device,
  gateFor,
  loginOf,
  post,
  setCookieOf,
  storeWith,
  view,
} from './dbsc-client.ts'
import { deepEqual, describe, equal, match, ok, test, throws } from './harness.ts'
import { clock, T0, UNPRINTABLE } from './helpers.ts'

const REGISTER = '/__session/dbsc/register'
const REFRESH = '/__session/dbsc/refresh'
const SID = 'AAAAAAAAAAAAAAAA'

/** A login: the session `SID` marked by bind(), committed; gives the registration challenge. */
const login = (gate: ReturnType<typeof gateFor>, now = T0) => loginOf(gate, SID, now)

/** A registered session: its sealed state entry and its first bound cookie. */
async function registered(time = clock()) {
  const g = gateFor({})
  const browser = await device()
  const { challenge } = await login(g, time.now())
  const { store, sealed } = storeWith(view(SID), undefined, time.now())
  const response = await g.gate.route!(
    post(REGISTER, { 'Secure-Session-Response': `"${await browser.proof(challenge, { withKey: true })}"` }),
    store,
  )
  return { ...g, time, browser, response: response!, entry: sealed[0] as { b: string; t: number } }
}

/** What `admit` says of the bound session with `cookie` (a `Cookie` header) and `headers`. */
function admit(r: Awaited<ReturnType<typeof registered>>, cookie: string | null, headers: HeadersInit = {}) {
  const request = new Request('https://localhost/', { headers })
  return r.gate.admit({
    session: view(SID),
    issuedAt: T0,
    header: cookie,
    request,
    state: { 'device-bound': r.entry },
    now: r.time.now(),
  })
}

describe('device-bound', () => {
  test('options: an unknown key, a bad path or mode, or a lifetime out of range throws at setup', () => {
    for (const bad of [
      { lifetme: 600 },
      { registerPath: 'relative' },
      { refreshPath: '/a"b' },
      { registerPath: '/same', refreshPath: '/same' },
      { lifetime: 179 },
      { lifetime: 86_401 },
      { lifetime: Number.NaN },
      { lifetime: Number.POSITIVE_INFINITY },
      { challengeTtl: 9 },
      { mode: 'loose' },
      ...UNPRINTABLE.map((lifetime) => ({ lifetime })),
    ]) {
      throws(() => deviceBound(bad as never), 'ERR_OPTION_INVALID')
    }
    throws(() => deviceBound({ cookieName: 'a;b' }), 'ERR_COOKIE_OPTION')
    throws(() => gateFor({ cookieName: 'session' }), 'ERR_COOKIE_OPTION')
  })

  test('bind() at login adds a registration header naming the endpoint and a challenge', async () => {
    const { header } = await login(gateFor())
    match(
      header!,
      /^\(ES256\);path="\/__session\/dbsc\/register";challenge="d1[A-Za-z0-9_-]{4}\.[A-Za-z0-9_-]+"$/,
    )
  })

  test('a commit without bind(), or of a session already bound, adds no header', async () => {
    const { gate } = gateFor()
    const plain = await gate.committing!({
      session: view(SID),
      destroyed: false,
      cut: false,
      state: {},
      request: undefined,
      now: T0,
    })
    equal(plain, undefined)
    const r = await registered()
    const session = view(SID)
    r.binding.bind(session)
    const again = await r.gate.committing!({
      session,
      destroyed: false,
      cut: false,
      state: { 'device-bound': r.entry },
      request: undefined,
      now: T0,
    })
    equal(again, undefined)
  })

  test('registration seals the key, sets the bound cookie and answers the session instructions', async () => {
    const r = await registered()
    equal(r.response.status, 200)
    equal(r.response.headers.get('cache-control'), 'no-store')
    deepEqual(Object.keys(r.entry).sort(), ['b', 'k', 't'])
    deepEqual((r.entry as unknown as { k: unknown }).k, { x: r.browser.jwk.x, y: r.browser.jwk.y })
    const bound = r.response.headers.getSetCookie().find((c) => c.startsWith('session-bound='))!
    match(bound, /; Max-Age=600;/)
    ok(setCookieOf(r.response, 'session'), 'the session is re-sealed with the key')
    deepEqual(await r.response.json(), {
      session_identifier: r.entry.b,
      refresh_url: REFRESH,
      scope: { include_site: false, scope_specification: [] },
      credentials: [{ type: 'cookie', name: 'session-bound', attributes: ATTRIBUTES }],
    })
  })

  test('a bound session is admitted with its bound cookie, and is no session without it', async () => {
    const r = await registered()
    const cookie = setCookieOf(r.response, 'session-bound')!
    equal(await admit(r, `session=x; ${cookie}`), undefined)
    equal(await admit(r, 'session=x'), 'unbound')
    equal(await admit(r, null), 'unbound')
  })

  test('the bound cookie expires after its lifetime, to the millisecond', async () => {
    const r = await registered()
    const cookie = setCookieOf(r.response, 'session-bound')!
    r.time.advance(600_000 - 1)
    equal(await admit(r, cookie), undefined)
    r.time.advance(1)
    equal(await admit(r, cookie), 'unbound')
  })

  test("another binding's bound cookie does not pass for this one", async () => {
    const one = await registered()
    const other = await registered()
    equal(await admit(one, setCookieOf(other.response, 'session-bound')!), 'unbound')
  })

  test('a session that never registered carries on; an unreadable entry is unbound', async () => {
    const { gate } = gateFor()
    const entry = { session: view(SID), issuedAt: T0, header: null, request: undefined, now: T0 }
    equal(await gate.admit({ ...entry, state: {} }), undefined)
    equal(await gate.admit({ ...entry, state: { 'device-bound': { b: 1 } } }), 'unbound')
  })

  test('Secure-Session-Skipped: strict ignores it; lenient admits read-only for its own binding', async () => {
    const r = await registered()
    const skipped = (id: string) => ({ 'Secure-Session-Skipped': `unreachable;session_identifier="${id}"` })
    equal(await admit(r, null, skipped(r.entry.b)), 'unbound')
    const lenient = { ...r, ...gateFor({ mode: 'lenient' }) }
    equal(await admit(lenient, null, skipped(r.entry.b)), 'unchecked')
    equal(await admit(lenient, null, skipped('another-binding')), 'unbound')
    equal(await admit(lenient, null), 'unbound')
  })

  test('destroy() expires the bound cookie and drops the binding', async () => {
    const { gate } = gateFor()
    const state: Record<string, unknown> = { 'device-bound': { k: {}, b: 'x', t: 0 } }
    const extras = await gate.committing!({
      session: view(SID),
      destroyed: true,
      cut: true,
      state,
      request: undefined,
      now: T0,
    })
    deepEqual(extras?.cookies, [{ name: 'session-bound', value: '', maxAge: 0 }])
    equal(state['device-bound'], undefined)
  })

  test('destroy() then a new session in the same request still expires the old bound cookie', async () => {
    const { gate, binding } = gateFor()
    const session = view(SID)
    const entry = { session, destroyed: false, cut: true, state: {}, request: undefined, now: T0 }
    const expired = [{ name: 'session-bound', value: '', maxAge: 0 }]
    deepEqual((await gate.committing!(entry))?.cookies, expired)
    // A login after the logout may bind the new session in the same response.
    binding.bind(session)
    const extras = await gate.committing!(entry)
    deepEqual(extras?.cookies, expired)
    equal(extras?.headers?.[0]?.[0], 'Secure-Session-Registration')
  })

  test('refresh: no proof gets 403 and a challenge; its proof gets a new bound cookie', async () => {
    const r = await registered()
    const { store, sealed } = storeWith(view(SID), r.entry)
    const id = { 'Sec-Secure-Session-Id': `"${r.entry.b}"` }
    const first = await r.gate.route!(post(REFRESH, id), store)
    equal(first!.status, 403)
    const header = first!.headers.get('secure-session-challenge')!
    match(header, new RegExp(`^"d1[^"]+";id="${r.entry.b}"$`))
    r.time.advance(60_000)
    const proof = await r.browser.proof(challengeIn(header))
    const second = await r.gate.route!(
      post(REFRESH, { ...id, 'Secure-Session-Response': `"${proof}"` }),
      store,
    )
    equal(second!.status, 200)
    ok(setCookieOf(second!, 'session-bound'))
    equal((await second!.json()).session_identifier, r.entry.b)
    equal((sealed[0] as { t: number }).t > r.entry.t, true, 'the used challenge is remembered')
  })

  test('refresh: a proof replayed with the re-sealed session gets a fresh challenge, not a cookie', async () => {
    const r = await registered()
    const id = { 'Sec-Secure-Session-Id': `"${r.entry.b}"` }
    const first = await r.gate.route!(post(REFRESH, id), storeWith(view(SID), r.entry).store)
    const proof = await r.browser.proof(challengeIn(first!.headers.get('secure-session-challenge')))
    const headers = { ...id, 'Secure-Session-Response': `"${proof}"` }
    const used = storeWith(view(SID), r.entry)
    equal((await r.gate.route!(post(REFRESH, headers), used.store))!.status, 200)
    const replay = await r.gate.route!(post(REFRESH, headers), storeWith(view(SID), used.sealed[0]).store)
    equal(replay!.status, 403)
    ok(replay!.headers.get('secure-session-challenge'))
    equal(replay!.headers.getSetCookie().length, 0)
  })

  test("the endpoints answer POST only, at their paths; anything else is the app's", async () => {
    const { gate } = gateFor()
    const { store } = storeWith(view(SID))
    equal(gate.route!(new Request(`https://localhost${REFRESH}`), store), undefined)
    equal(gate.route!(post('/login'), store), undefined)
    const custom = gateFor({ registerPath: '/auth/dbsc/start', refreshPath: '/auth/dbsc/refresh' })
    equal((await custom.gate.route!(post('/auth/dbsc/refresh'), store))!.status, 400)
  })
})
