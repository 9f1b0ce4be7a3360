// The demo's contract, driven over HTTP with a cookie jar: every example (each runtime's, and each
// framework's, built with that framework's own tools) serves the same routes and page, so one list
// of checks covers them all. The page shows `id="count"`, `id="user"` ("nobody" when signed out),
// `id="flash"` (only when a flash message is read) and `id="sid"`; `POST /login` (form field
// `user`) regenerates and flashes "Welcome, <user>!" then answers 303; `POST /logout` destroys
// and answers 303; `/session` is the session as JSON; `/grow?bytes=N` stores N bytes and answers
// 413 `{ "error": "ERR_COOKIE_TOO_LARGE" }` when the session outgrows its cookie. Settings come from
// SESSION_SECRET, SESSION_COOKIE and SESSION_MAX_AGE (see examples/app.ts).

const STEP_MS = 15_000

export class Client {
  jar = new Map()
  constructor(origin) {
    this.origin = origin
  }
  async request(path, init = {}) {
    const headers = new Headers(init.headers)
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (cookie) headers.set('cookie', cookie)
    const response = await fetch(this.origin + path, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(STEP_MS),
    })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim())
      const name = pair.slice(0, pair.indexOf('='))
      const gone = attributes.some(
        (a) =>
          /^max-age=(0|-\d+)$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()),
      )
      if (gone) this.jar.delete(name)
      else this.jar.set(name, pair.slice(name.length + 1))
    }
    return { response, setCookies, body: await response.text() }
  }
  /**
   * A form post as a browser sends it: with the page's Origin (a framework's CSRF check refuses a
   * form post without one) and asking for HTML (SvelteKit answers a form action in JSON otherwise).
   */
  formPost(path, fields) {
    return this.request(path, {
      method: 'POST',
      body: fields === undefined ? undefined : new URLSearchParams(fields),
      headers: { origin: this.origin, accept: 'text/html' },
    })
  }
  /** GET / and the page's fields. */
  async page() {
    const r = await this.request('/')
    const field = (id) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(r.body)?.[1]
    return {
      ...r,
      count: Number(field('count')),
      user: field('user'),
      flash: field('flash'),
      sid: field('sid'),
    }
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message)
}

/** The checks, in order, each continuing from the state the previous one left. */
export const checks = [
  [
    'a first visit counts 1 and sets one session cookie (SESSION_COOKIE name, HttpOnly, private)',
    async (c) => {
      const p = await c.page()
      expect(p.response.status === 200, `status ${p.response.status}`)
      expect(p.count === 1 && p.user === 'nobody' && p.flash === undefined, `page ${p.count}/${p.user}`)
      expect(p.setCookies.length === 1, `Set-Cookie: ${p.setCookies}`)
      expect(p.setCookies[0].startsWith('demo_sid=') && /; HttpOnly/.test(p.setCookies[0]), p.setCookies[0])
      expect(p.response.headers.get('cache-control') === 'private', 'cache-control is not private')
      c.sid = p.sid
    },
  ],
  [
    'the counter increments across requests through the cookie jar',
    async (c) => {
      await c.page()
      const p = await c.page()
      expect(p.count === 3, `count ${p.count}, want 3`)
      expect(p.sid === c.sid, 'the session id changed without a login')
    },
  ],
  [
    '/session is the same session as JSON, with the lifetime SESSION_MAX_AGE set',
    async (c) => {
      const { response, body } = await c.request('/session')
      expect(/json/.test(response.headers.get('content-type')), 'not JSON')
      const s = JSON.parse(body)
      expect(s.id === c.sid && s.isNew === false && s.data.count === 3, body)
      expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt) === 600_000, `lifetime ${body}`)
    },
  ],
  [
    'login changes the session id, keeps the count, and shows the flash exactly once',
    async (c) => {
      const login = await c.formPost('/login', { user: 'ada' })
      expect(login.response.status === 303 && login.setCookies.length === 1, `login ${login.response.status}`)
      const p = await c.page()
      expect(p.user === 'ada' && p.flash === 'Welcome, ada!', `after login: ${p.user} / ${p.flash}`)
      expect(p.sid !== c.sid, 'session id unchanged by login')
      expect(p.count === 4, `count ${p.count}, want 4`)
      const again = await c.page()
      expect(again.flash === undefined && again.user === 'ada', 'the flash showed twice')
      c.sid = p.sid
    },
  ],
  [
    'logout expires the cookie; the next visit is a new session counting 1',
    async (c) => {
      const out = await c.formPost('/logout')
      expect(out.response.status === 303, `logout ${out.response.status}`)
      expect(c.jar.size === 0, `cookie kept after logout: ${out.setCookies}`)
      const p = await c.page()
      expect(p.count === 1 && p.user === 'nobody' && p.sid !== c.sid, `after logout ${p.count}/${p.user}`)
    },
  ],
  [
    'a tampered cookie is no session (200, a fresh session), never an error',
    async (c) => {
      const value = c.jar.get('demo_sid')
      c.jar.set('demo_sid', `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.slice(-1)}`)
      const p = await c.page()
      expect(p.response.status === 200 && p.count === 1, `status ${p.response.status}, count ${p.count}`)
    },
  ],
  [
    'outgrowing the cookie answers 413 ERR_COOKIE_TOO_LARGE and keeps the session as it was',
    async (c) => {
      const big = await c.request('/grow?bytes=5000')
      expect(big.response.status === 413 && big.setCookies.length === 0, `status ${big.response.status}`)
      expect(JSON.parse(big.body).error === 'ERR_COOKIE_TOO_LARGE', big.body)
      const p = await c.page()
      expect(p.count === 2, `count ${p.count}, want 2`)
    },
  ],
]

// --- device binding ------------------------------------------------------------------------------

const b64url = (bytes) => Buffer.from(bytes).toString('base64url')

/** A DBSC browser made of WebCrypto: a P-256 key pair and the ES256 proofs it signs. */
async function dbscDevice() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return async (jti, withKey) => {
    const header = { alg: 'ES256', typ: 'dbsc+jwt', ...(withKey ? { jwk: { kty, crv, x, y } } : {}) }
    const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ jti }))}`
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      pair.privateKey,
      new TextEncoder().encode(signed),
    )
    return `${signed}.${b64url(new Uint8Array(signature))}`
  }
}

const BOUND = 'demo_sid-bound'

/**
 * "Bind this session to my device" over HTTP, as a DBSC browser would: login asks to register,
 * registration sets the bound cookie, the session without it is none, a refresh (403 challenge,
 * then a proof) brings it back, and logout ends the binding (the refresh then answers 401).
 */
export async function deviceBinding(c) {
  const login = await c.request('/login', {
    method: 'POST',
    body: new URLSearchParams({ user: 'ada', bind: 'on' }),
  })
  const registration = login.response.headers.get('secure-session-registration') ?? ''
  const [, path, challenge] = /^\(ES256\);path="([^"]+)";challenge="([^"]+)"$/.exec(registration) ?? []
  expect(login.response.status === 303 && path, `login asked no registration: ${registration}`)
  const sign = await dbscDevice()
  const reg = await c.request(path, {
    method: 'POST',
    headers: { 'Secure-Session-Response': await sign(challenge, true) },
  })
  expect(reg.response.status === 200 && c.jar.has(BOUND), `register ${reg.response.status} ${reg.setCookies}`)
  const { session_identifier: id, refresh_url: refreshUrl } = JSON.parse(reg.body)
  const user = async () => JSON.parse((await c.request('/session')).body).data.user
  expect((await user()) === 'ada', 'the bound session did not open with its bound cookie')
  c.jar.delete(BOUND)
  expect((await user()) === undefined, 'the bound session opened without its bound cookie')
  const asked = await c.request(refreshUrl, { method: 'POST', headers: { 'Sec-Secure-Session-Id': id } })
  const c2 = /^"([^"]+)"/.exec(asked.response.headers.get('secure-session-challenge') ?? '')?.[1]
  expect(asked.response.status === 403 && c2, `refresh without a proof: ${asked.response.status}`)
  const headers = { 'Sec-Secure-Session-Id': id, 'Secure-Session-Response': await sign(c2, false) }
  const refreshed = await c.request(refreshUrl, { method: 'POST', headers })
  expect(refreshed.response.status === 200 && c.jar.has(BOUND), `refresh ${refreshed.response.status}`)
  expect((await user()) === 'ada', 'the session did not come back after the refresh')
  await c.request('/logout', { method: 'POST' })
  expect(c.jar.size === 0, `cookies kept after logout: ${[...c.jar.keys()]}`)
  const after = await c.request(refreshUrl, { method: 'POST', headers: { 'Sec-Secure-Session-Id': id } })
  expect(after.response.status === 401, `refresh after logout: ${after.response.status}`)
}
