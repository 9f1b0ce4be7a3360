// The demo (test/demo-checks.mjs) on Elysia and Bun, served by Elysia's own `listen`: the session
// from `sealed-session/elysia`, a plugin whose `session` Elysia types in every handler's context.
//   node scripts/runtimes.mjs bun examples/elysia/server.ts   (Bun from runtimes/; settings: see README.md)
import { Elysia, t } from 'elysia'
import { CookieTooLargeError, type SessionOptions } from 'sealed-session'
import { session } from 'sealed-session/elysia'

interface DemoSession {
  count: number
  user: string
  note: string
}

const env = process.env
const maxAge = Number(env.SESSION_MAX_AGE) || undefined
const options: SessionOptions = {
  secret: env.SESSION_SECRET ?? Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
  ...(env.SESSION_COOKIE ? { cookie: { name: env.SESSION_COOKIE } } : {}),
  ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
}
if (!env.SESSION_SECRET) console.log('No SESSION_SECRET set: using a random development secret.')

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

new Elysia()
  .use(session<DemoSession, { notice: string }>(options))
  .get('/', ({ session, set }) => {
    session.set('count', (session.get('count') ?? 0) + 1)
    const notice = session.flash('notice')
    const user = session.get('user')
    set.headers['content-type'] = 'text/html; charset=utf-8'
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (Elysia)</title></head>
<body>
<h1>sealed-session demo (Elysia)</h1>
${notice === undefined ? '' : `<p id="flash" role="status">${escapeHtml(notice)}</p>`}
<p>Visits in this session: <strong id="count">${session.get('count')}</strong></p>
<p>Signed in as: <strong id="user">${user === undefined ? 'nobody' : escapeHtml(user)}</strong></p>
${
  user === undefined
    ? '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>'
    : '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
}
<p><a href="/session">Decoded session (JSON)</a> · <a href="/">Reload</a></p>
<p>Session id: <code id="sid">${session.id}</code></p>
</body></html>`
  })
  .post(
    '/login',
    ({ body, session, redirect }) => {
      const name = (body.user ?? '').slice(0, 64) || 'anonymous'
      session.regenerate() // a fresh id on privilege change; the visit count carries over
      session.set('user', name)
      session.flash('notice', `Welcome, ${name}!`)
      return redirect('/', 303)
    },
    { body: t.Object({ user: t.Optional(t.String()) }) },
  )
  .post('/logout', ({ session, redirect }) => {
    session.destroy()
    return redirect('/', 303)
  })
  .get('/session', ({ session }) => ({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  }))
  .get('/grow', async ({ query, session, status }) => {
    const bytes = Math.min(Number(query.bytes) || 0, 1 << 20)
    session.set('note', 'x'.repeat(bytes))
    try {
      await session.save()
    } catch (error) {
      if (!(error instanceof CookieTooLargeError)) throw error
      // Nothing is written for this request: the browser keeps its previous, valid cookie.
      return status(413, { error: error.code, size: error.size, limit: error.limit })
    }
    return { stored: bytes }
  })
  // Changes the session, then fails: Elysia answers 500 and the change is not written.
  .get('/fail', ({ session }) => {
    session.set('count', -1)
    throw new Error('the handler failed after changing the session')
  })
  .listen({ hostname: env.HOST ?? '127.0.0.1', port: Number(env.PORT) || 3000 })

console.log(`sealed-session/elysia from ${import.meta.resolve('sealed-session/elysia')}`)
