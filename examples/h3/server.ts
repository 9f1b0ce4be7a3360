// The demo (test/demo-checks.mjs) on h3 v2, served by h3's own `serve` (srvx): the session from
// `sealed-session/h3`, typed on h3's `H3EventContext`. Routes answer the h3 way, with plain values
// (objects, `html`, `redirect`), which h3 turns into responses that carry the session cookie.
//   node_modules/.bin/tsx examples/h3/server.ts   (settings: see README.md)
import { H3, html, raw, redirect, serve } from 'h3'
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

const app = new H3().use(session(options))

app.get('/', (event) => {
  const s = event.context.session
  s.set('count', (s.get('count') ?? 0) + 1)
  const notice = s.flash('notice')
  const user = s.get('user')
  // h3's html`` escapes every value; raw() marks the app's own markup.
  const [open, close] = notice === undefined ? ['', ''] : [raw('<p id="flash" role="status">'), raw('</p>')]
  const form = user
    ? '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
    : '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>'
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (h3)</title></head>
<body>
<h1>sealed-session demo (h3)</h1>
${open}${notice}${close}
<p>Visits in this session: <strong id="count">${s.get('count')}</strong></p>
<p>Signed in as: <strong id="user">${user ?? 'nobody'}</strong></p>
${raw(form)}
<p><a href="/session">Decoded session (JSON)</a> · <a href="/">Reload</a></p>
<p>Session id: <code id="sid">${s.id}</code></p>
</body></html>`
})

app.post('/login', async (event) => {
  const s = event.context.session
  const name = String((await event.req.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  s.regenerate() // a fresh id on privilege change; the visit count carries over
  s.set('user', name)
  s.flash('notice', `Welcome, ${name}!`)
  return redirect('/', 303)
})

app.post('/logout', (event) => {
  event.context.session.destroy()
  return redirect('/', 303)
})

app.get('/session', ({ context: { session: s } }) => ({
  id: s.id,
  isNew: s.isNew,
  createdAt: new Date(s.createdAt).toISOString(),
  expiresAt: new Date(s.expiresAt).toISOString(),
  data: s.data,
}))

app.get('/grow', async (event) => {
  const bytes = Math.min(Number(event.url.searchParams.get('bytes')) || 0, 1 << 20)
  event.context.session.set('note', 'x'.repeat(bytes))
  try {
    await event.context.session.save()
  } catch (error) {
    if (!(error instanceof CookieTooLargeError)) throw error
    // Nothing is written for this request: the browser keeps its previous, valid cookie.
    event.res.status = 413
    return { error: error.code, size: error.size, limit: error.limit }
  }
  return { stored: bytes }
})

// Changes the session, then fails: h3 answers 500 and the change is not written.
app.get('/fail', (event) => {
  event.context.session.set('count', -1)
  throw new Error('the route failed after changing the session')
})

console.log(`sealed-session/h3 from ${import.meta.resolve('sealed-session/h3')}`)
serve(app, { hostname: env.HOST ?? '127.0.0.1', port: Number(env.PORT) || 3000 })
