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
      const login = await c.request('/login', { method: 'POST', body: new URLSearchParams({ user: 'ada' }) })
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
      const out = await c.request('/logout', { method: 'POST' })
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
