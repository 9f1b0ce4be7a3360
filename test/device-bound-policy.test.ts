// Device binding's policy where it meets the rest of the pipeline, through withSession with real
// parts: a revocation gate (memory store, switched off to stand for an outage), lenient and strict
// `Secure-Session-Skipped`, who may register (a thief holding a copy of every cookie and a key of
// its own), and hostile requests at both endpoints. A WebCrypto key pair stands in for the browser.
import { withSession } from 'sealed-session'
import { type DeviceBoundOptions, deviceBound } from 'sealed-session/device-bound'
import { memoryStore, type RevocationStore, revocation } from 'sealed-session/revocation'
import { browserOf, challengeIn, device } from './dbsc-client.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { clock, SECRET } from './helpers.ts'

const REGISTER = '/__session/dbsc/register'
const REFRESH = '/__session/dbsc/refresh'

type Jar = Map<string, string>

/** An app with device binding and revocation by user; `down()` makes the revocation store fail. */
function app(options: DeviceBoundOptions = {}, onUnavailable: 'refuse' | 'allow' = 'refuse') {
  const time = clock()
  const reasons: string[] = []
  let down = false
  const inner = memoryStore({ now: time.now })
  const fail = () => Promise.reject(new Error('revocation store unreachable'))
  const store: RevocationStore = {
    get: (keys) => (down ? fail() : inner.get(keys)),
    raise: (key, value, ttl) => (down ? fail() : inner.raise(key, value, ttl)),
  }
  const subject = (s: { get(key: string): unknown }) => s.get('user') as string | undefined
  const revoker = revocation({ store, subject, now: time.now, onUnavailable })
  const binding = deviceBound(options)
  const handler = withSession(
    async (request, session) => {
      const path = new URL(request.url).pathname
      if (path === '/login') {
        session.regenerate()
        session.set('user', 'ada')
        binding.bind(session)
      } else if (path === '/write') session.set('n', 1)
      return new Response(String(session.get('user') ?? 'nobody'))
    },
    {
      secret: SECRET,
      deviceBinding: binding,
      revocation: revoker,
      now: time.now,
      onInvalid: (reason) => void reasons.push(reason),
    },
  )
  /** A request with `jar`'s cookies; the response's cookies go into `jar`. */
  const send = (jar: Jar, path: string, headers: Record<string, string> = {}, method = 'GET') =>
    browserOf(handler, jar)(path, headers, method)
  const setDown = (value: boolean) => void (down = value)
  /** Another process's revocation over the same store (an admin job, another server). */
  const elsewhere = () => revocation({ store, subject, now: time.now })
  return { time, reasons, revoker, handler, send, setDown, elsewhere }
}

type App = ReturnType<typeof app>

/** A login in `jar`; returns the registration challenge. */
async function login(a: App, jar: Jar): Promise<string> {
  const r = await a.send(jar, '/login')
  return challengeIn(r.response.headers.get('secure-session-registration'))
}

/** Logged in and registered: the jar, the device and the DBSC session id. */
async function bound(a: App) {
  const jar: Jar = new Map()
  const browser = await device()
  const challenge = await login(a, jar)
  const proof = await browser.proof(challenge, { withKey: true })
  const r = await a.send(jar, REGISTER, { 'Secure-Session-Response': proof }, 'POST')
  equal(r.response.status, 200)
  return {
    jar,
    browser,
    challenge,
    id: (JSON.parse(r.text) as { session_identifier: string }).session_identifier,
  }
}

/** A refusal: `status`, an empty body, and no cookie written. */
async function refused(r: { response: Response; text: string }, status: number, what: string) {
  equal(r.response.status, status, what)
  equal(r.text, '', what)
  deepEqual(r.response.headers.getSetCookie(), [], what)
}

describe('device-bound › with revocation', () => {
  test('a revoked session gets no refresh (401: the browser ends its DBSC session) and no registration', async () => {
    const a = app()
    const b = await bound(a)
    // Past the clock skew (a session issued within it survives a revocation) and the check interval.
    a.time.advance(61_000)
    await a.revoker.revokeSubject('ada')
    const asked = await a.send(b.jar, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST')
    await refused(asked, 401, 'refresh of a revoked session')
    equal(asked.response.headers.get('secure-session-challenge'), null)
    const again = await b.browser.proof(b.challenge, { withKey: true })
    await refused(
      await a.send(b.jar, REGISTER, { 'Secure-Session-Response': again }, 'POST'),
      401,
      'register',
    )
    equal((await a.send(b.jar, '/')).text, 'nobody')
    ok(a.reasons.includes('revoked'))
  })

  test('a revocation store that is down gets 503 at both endpoints, so the browser keeps its key', async () => {
    const a = app()
    const b = await bound(a)
    const fresh: Jar = new Map()
    const challenge = await login(a, fresh)
    a.time.advance(31_000) // past the check interval: the gate asks the store again
    a.setDown(true)
    await refused(await a.send(b.jar, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST'), 503, 'refresh')
    const proof = await b.browser.proof(challenge, { withKey: true })
    await refused(
      await a.send(fresh, REGISTER, { 'Secure-Session-Response': proof }, 'POST'),
      503,
      'register',
    )
    // Back up: the same browser refreshes as before, and the waiting login still registers.
    a.setDown(false)
    const asked = await a.send(b.jar, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST')
    equal(asked.response.status, 403)
    const c2 = challengeIn(asked.response.headers.get('secure-session-challenge'))
    const headers = { 'Sec-Secure-Session-Id': b.id, 'Secure-Session-Response': await b.browser.proof(c2) }
    equal((await a.send(b.jar, REFRESH, headers, 'POST')).response.status, 200)
    equal((await a.send(fresh, REGISTER, { 'Secure-Session-Response': proof }, 'POST')).response.status, 200)
  })

  test('a refresh proof for a session revoked elsewhere since the last check gets a 401, no cookie', async () => {
    const a = app()
    const b = await bound(a)
    a.time.advance(61_000)
    equal((await a.send(b.jar, '/')).text, 'ada') // checked now: trusted for the check interval
    a.time.advance(1_000)
    await a.elsewhere().revokeSubject('ada')
    a.time.advance(1_000)
    // Opened on the trusted check, the session gets a challenge; the re-seal asks the store again.
    const asked = await a.send(b.jar, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST')
    equal(asked.response.status, 403)
    const c2 = challengeIn(asked.response.headers.get('secure-session-challenge'))
    const headers = { 'Sec-Secure-Session-Id': b.id, 'Secure-Session-Response': await b.browser.proof(c2) }
    await refused(await a.send(b.jar, REFRESH, headers, 'POST'), 401, 'refresh proof of a revoked session')
  })

  test('a refresh proof while the store is down gets a 503 and no cookie; it refreshes once back', async () => {
    const a = app()
    const b = await bound(a)
    a.time.advance(61_000)
    equal((await a.send(b.jar, '/')).text, 'ada')
    a.time.advance(1_000)
    a.setDown(true)
    const proofFor = async () => {
      const asked = await a.send(b.jar, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST')
      equal(asked.response.status, 403)
      const c = challengeIn(asked.response.headers.get('secure-session-challenge'))
      return { 'Sec-Secure-Session-Id': b.id, 'Secure-Session-Response': await b.browser.proof(c) }
    }
    await refused(await a.send(b.jar, REFRESH, await proofFor(), 'POST'), 503, 'refresh proof, store down')
    a.setDown(false)
    const renewed = await a.send(b.jar, REFRESH, await proofFor(), 'POST')
    equal(renewed.response.status, 200)
    ok(renewed.response.headers.getSetCookie().some((c) => c.startsWith('session-bound=')))
  })

  test("onUnavailable 'allow': no key is registered while a session cannot be sealed again (503)", async () => {
    const allowing = app({}, 'allow')
    const jar: Jar = new Map()
    const challenge = await login(allowing, jar)
    allowing.time.advance(31_000)
    allowing.setDown(true)
    const browser = await device()
    const proof = await browser.proof(challenge, { withKey: true })
    const r = await allowing.send(jar, REGISTER, { 'Secure-Session-Response': proof }, 'POST')
    await refused(r, 503, 'register while undecided')
  })
})

describe('device-bound › who may register', () => {
  test('a thief with every cookie and a key of its own cannot register, nor re-bind the session', async () => {
    const a = app()
    const b = await bound(a)
    const thief = await device()
    const copy: Jar = new Map(b.jar)
    // The login's challenge, still within its 120 s: the session is bound already (409).
    const stolen = await thief.proof(b.challenge, { withKey: true })
    await refused(await a.send(copy, REGISTER, { 'Secure-Session-Response': stolen }, 'POST'), 409, 'rebind')
    // The app's login route on the copied session: bind() on a bound session asks nothing.
    const relogin = await a.send(copy, '/login')
    equal(relogin.response.headers.get('secure-session-registration'), null)
    // A challenge of the thief's own login does not bind the victim's session.
    const own: Jar = new Map()
    const theirs = await thief.proof(await login(a, own), { withKey: true })
    const victim = new Map(b.jar)
    await refused(await a.send(victim, REGISTER, { 'Secure-Session-Response': theirs }, 'POST'), 403, 'own')
    // The device's key still refreshes; the thief's does not.
    const asked = await a.send(copy, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST')
    const c2 = challengeIn(asked.response.headers.get('secure-session-challenge'))
    const forged = { 'Sec-Secure-Session-Id': b.id, 'Secure-Session-Response': await thief.proof(c2) }
    await refused(await a.send(copy, REFRESH, forged, 'POST'), 400, 'a proof by another key')
  })

  test('an unregistered session, copied after its challenge expired, cannot be registered', async () => {
    const a = app()
    const jar: Jar = new Map()
    const challenge = await login(a, jar)
    a.time.advance(120_000)
    const thief = await device()
    const proof = await thief.proof(challenge, { withKey: true })
    await refused(
      await a.send(new Map(jar), REGISTER, { 'Secure-Session-Response': proof }, 'POST'),
      403,
      'late',
    )
    equal((await a.send(jar, '/')).text, 'ada', 'the session carries on unbound')
  })
})

describe('device-bound › Secure-Session-Skipped', () => {
  const skipped = (id: string) => ({ 'Secure-Session-Skipped': `server_error;session_identifier="${id}"` })

  test('strict: no session, reason unbound, and nothing written', async () => {
    const a = app()
    const b = await bound(a)
    b.jar.delete('session-bound')
    const r = await a.send(b.jar, '/', skipped(b.id))
    equal(r.text, 'nobody')
    deepEqual(r.response.headers.getSetCookie(), [])
    deepEqual(a.reasons, ['unbound'])
  })

  test('lenient: the session, read-only (a write seals nothing); another binding id is unbound', async () => {
    const a = app({ mode: 'lenient' })
    const b = await bound(a)
    b.jar.delete('session-bound')
    const before = b.jar.get('session')
    const r = await a.send(b.jar, '/write', skipped(b.id))
    equal(r.text, 'ada')
    deepEqual(r.response.headers.getSetCookie(), [])
    equal(b.jar.get('session'), before)
    equal((await a.send(b.jar, '/', skipped('AAAAAAAAAAAAAAAA'))).text, 'nobody')
    ok(a.reasons.includes('unbound'))
  })
})

describe('device-bound › hostile requests at the endpoints', () => {
  test('a streamed body of unannounced length is never read, and refused when it says chunked', async () => {
    const a = app()
    const b = await bound(a)
    let pulled = 0
    const body = new ReadableStream({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(65_536))
      },
    })
    const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const headers = { cookie, 'transfer-encoding': 'chunked', 'Sec-Secure-Session-Id': b.id }
    const init = { method: 'POST', body, duplex: 'half', headers }
    const request = new Request(`https://localhost${REFRESH}`, init as RequestInit)
    const response = await a.handler(request)
    // Some runtimes drop a Request's transfer-encoding (a forbidden header name): then the
    // endpoint answers on the headers alone, as it would to an empty body.
    equal(response.status, request.headers.has('transfer-encoding') ? 413 : 403)
    deepEqual(response.headers.getSetCookie(), [])
    ok(pulled <= 1, `the body was read: ${pulled} chunks`)
  })

  test('a 64 KiB Cookie header, 10,000 cookies, or header garbage: a 4xx, never a 500 or a cookie', async () => {
    const a = app()
    const b = await bound(a)
    const huge = new Map([['x', 'y'.repeat(65_536)], ...b.jar])
    await refused(await a.send(huge, REFRESH, { 'Sec-Secure-Session-Id': b.id }, 'POST'), 403, 'a big header')
    const many: Jar = new Map(Array.from({ length: 10_000 }, (_, i) => [`c${i}`, 'v']))
    await refused(await a.send(many, REGISTER, { 'Secure-Session-Response': 'a.b.c' }, 'POST'), 400, 'many')
    const garbage = ['', ' ', '"', '";id=', 'a'.repeat(5000), '\u00e9', '(ES256)', '"x";id="y"', 'x,y,z']
    for (const value of garbage) {
      for (const [path, name] of [
        [REFRESH, 'Sec-Secure-Session-Id'],
        [REFRESH, 'Secure-Session-Response'],
        [REGISTER, 'Secure-Session-Response'],
      ] as const) {
        const headers = { 'Sec-Secure-Session-Id': b.id, [name]: value.replace(/[^\x20-\x7e]/g, '?') }
        const r = await a.send(new Map(b.jar), path, headers, 'POST')
        const what = `${path} ${name}=${JSON.stringify(value).slice(0, 40)}`
        ok(r.response.status >= 400 && r.response.status < 500, `${what}: ${r.response.status}`)
        deepEqual(r.response.headers.getSetCookie(), [], what)
      }
    }
  })
})
