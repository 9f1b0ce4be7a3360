// Device-bound sessions through withSession and the real pipeline: login, registration, bound
// requests, the refresh, what a copy of the cookies gets, and logout; a WebCrypto key pair stands
// in for the browser.
import { withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { browserOf, challengeIn, device } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { clock, SECRET } from './helpers.ts'

const REGISTER = '/__session/dbsc/register'
const REFRESH = '/__session/dbsc/refresh'

function app() {
  const time = clock()
  const reasons: string[] = []
  const binding = deviceBound()
  const handler = withSession(
    async (request, session) => {
      const path = new URL(request.url).pathname
      if (path === '/login') {
        session.regenerate()
        session.set('user', 'ada')
        binding.bind(session)
      } else if (path === '/logout') session.destroy()
      else if (path === '/regenerate') session.regenerate()
      return new Response(String(session.get('user') ?? 'nobody'))
    },
    {
      secret: SECRET,
      deviceBinding: binding,
      now: time.now,
      onInvalid: (reason) => void reasons.push(reason),
    },
  )
  const jar = new Map<string, string>()
  const send = browserOf(handler, jar)
  return { time, reasons, jar, send }
}

/** Logged in and registered: the app, the device and the DBSC session id. */
async function bound() {
  const a = app()
  const browser = await device()
  const login = await a.send('/login')
  const challenge = challengeIn(login.response.headers.get('secure-session-registration'))
  const proof = await browser.proof(challenge, { withKey: true })
  const registered = await a.send(REGISTER, { 'Secure-Session-Response': proof }, 'POST')
  equal(registered.response.status, 200)
  const { session_identifier: id } = JSON.parse(registered.text) as { session_identifier: string }
  return { ...a, browser, id }
}

describe('device-bound › through withSession', () => {
  test('login, registration, a bound request; without the bound cookie the session is unbound', async () => {
    const a = await bound()
    ok(a.jar.has('session-bound'))
    equal((await a.send('/')).text, 'ada')
    a.jar.delete('session-bound')
    equal((await a.send('/')).text, 'nobody')
    deepEqual(a.reasons, ['unbound'])
  })

  test('a copy of every cookie stops working once the bound cookie it holds expires', async () => {
    const a = await bound()
    const copy = new Map(a.jar)
    a.time.advance(600_000)
    a.jar.clear()
    for (const [k, v] of copy) a.jar.set(k, v)
    equal((await a.send('/')).text, 'nobody')
  })

  test('a refresh reissues the bound cookie, and the session carries on', async () => {
    const a = await bound()
    a.time.advance(600_000)
    a.jar.delete('session-bound')
    const asked = await a.send(REFRESH, { 'Sec-Secure-Session-Id': a.id }, 'POST')
    equal(asked.response.status, 403)
    const proof = await a.browser.proof(challengeIn(asked.response.headers.get('secure-session-challenge')))
    const headers = { 'Sec-Secure-Session-Id': a.id, 'Secure-Session-Response': proof }
    equal((await a.send(REFRESH, headers, 'POST')).response.status, 200)
    equal((await a.send('/')).text, 'ada')
    // The same proof again, with the cookies that refresh wrote: a fresh challenge, no cookie.
    const replay = await a.send(REFRESH, headers, 'POST')
    equal(replay.response.status, 403)
    equal(replay.response.headers.getSetCookie().length, 0)
  })

  test('regenerate() keeps the binding; a second registration is refused', async () => {
    const a = await bound()
    equal((await a.send('/regenerate')).text, 'ada')
    equal((await a.send('/')).text, 'ada')
    const again = await a.send('/login')
    equal(again.response.headers.get('secure-session-registration'), null)
    const other = await device()
    const forged = await other.proof('d1AAAA.AAAA', { withKey: true })
    equal((await a.send(REGISTER, { 'Secure-Session-Response': forged }, 'POST')).response.status, 403)
  })

  test('logout expires both cookies, and the refresh then answers 401', async () => {
    const a = await bound()
    const out = await a.send('/logout')
    const names = out.response.headers.getSetCookie().map((c) => c.split('=')[0])
    deepEqual(names.sort(), ['session', 'session-bound'])
    equal(a.jar.size, 0)
    equal((await a.send(REFRESH, { 'Sec-Secure-Session-Id': a.id }, 'POST')).response.status, 401)
  })

  test('a session that never registered carries on unbound', async () => {
    const a = app()
    await a.send('/login')
    equal((await a.send('/')).text, 'ada')
    a.time.advance(3_600_000)
    equal((await a.send('/')).text, 'ada')
    deepEqual(a.reasons, [])
  })
})
