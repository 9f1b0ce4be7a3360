// The demo (test/demo-checks.mjs) on h3 v1, the h3 of Nuxt 4 and Nitro 2, served by Node's own
// http server: the session from `sealed-session/h3`, typed on h3's `H3EventContext`. An h3 v1
// middleware runs before the route and cannot wrap it; the session is committed when the
// response starts, so `sendRedirect` (which sends the response itself) carries the cookie too.
//   npm ci --prefix examples/h3-v1 && cd examples/h3-v1 && npm start   (settings: see README.md)
import { createServer } from 'node:http'
import {
  createApp,
  createRouter,
  defineEventHandler,
  getQuery,
  readFormData,
  sendRedirect,
  setResponseHeader,
  setResponseStatus,
  toNodeListener,
} from 'h3'
import { CookieTooLargeError, type SessionOptions } from 'sealed-session'
import { type Session, session } from 'sealed-session/h3'

interface DemoSession {
  count: number
  user: string
  note: string
}

declare module 'h3' {
  interface H3EventContext {
    session: Session<DemoSession, { notice: string }>
  }
}

const env = process.env
const maxAge = Number(env.SESSION_MAX_AGE) || undefined
const options: SessionOptions = {
  secret: env.SESSION_SECRET ?? Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
  ...(env.SESSION_COOKIE ? { cookie: { name: env.SESSION_COOKIE } } : {}),
  ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
}
if (!env.SESSION_SECRET) console.log('No SESSION_SECRET set: using a random development secret.')

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const router = createRouter()
  .get(
    '/',
    defineEventHandler((event) => {
      const s = event.context.session
      s.set('count', (s.get('count') ?? 0) + 1)
      const notice = s.flash('notice')
      const user = s.get('user')
      const flash = notice === undefined ? '' : `<p id="flash" role="status">${escapeHtml(notice)}</p>`
      const form = user
        ? '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
        : '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>'
      setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
      return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (h3 v1)</title></head>
<body>
<h1>sealed-session demo (h3 v1)</h1>
${flash}
<p>Visits in this session: <strong id="count">${s.get('count')}</strong></p>
<p>Signed in as: <strong id="user">${escapeHtml(user ?? 'nobody')}</strong></p>
${form}
<p><a href="/session">Decoded session (JSON)</a> · <a href="/">Reload</a></p>
<p>Session id: <code id="sid">${s.id}</code></p>
</body></html>`
    }),
  )
  .post(
    '/login',
    defineEventHandler(async (event) => {
      const s = event.context.session
      const name = String((await readFormData(event)).get('user') ?? '').slice(0, 64) || 'anonymous'
      s.regenerate() // a fresh id on privilege change; the visit count carries over
      s.set('user', name)
      s.flash('notice', `Welcome, ${name}!`)
      return sendRedirect(event, '/', 303)
    }),
  )
  .post(
    '/logout',
    defineEventHandler((event) => {
      event.context.session.destroy()
      return sendRedirect(event, '/', 303)
    }),
  )
  .get(
    '/session',
    defineEventHandler(({ context: { session: s } }) => ({
      id: s.id,
      isNew: s.isNew,
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      data: s.data,
    })),
  )
  .get(
    '/grow',
    defineEventHandler(async (event) => {
      const bytes = Math.min(Number(getQuery(event).bytes) || 0, 1 << 20)
      event.context.session.set('note', 'x'.repeat(bytes))
      try {
        await event.context.session.save()
      } catch (error) {
        if (!(error instanceof CookieTooLargeError)) throw error
        // Nothing is written for this request: the browser keeps its previous, valid cookie.
        setResponseStatus(event, 413)
        return { error: error.code, size: error.size, limit: error.limit }
      }
      return { stored: bytes }
    }),
  )
  // Changes the session, then fails: h3 answers 500 and the change is not written.
  .get(
    '/fail',
    defineEventHandler((event) => {
      event.context.session.set('count', -1)
      throw new Error('the route failed after changing the session')
    }),
  )

const app = createApp().use(session(options)).use(router)

console.log(`sealed-session/h3 from ${import.meta.resolve('sealed-session/h3')}`)
createServer(toNodeListener(app)).listen(Number(env.PORT) || 3000, env.HOST ?? '127.0.0.1')
