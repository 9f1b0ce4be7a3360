// server.ts: a Hono app with the session on `c.var.session`, typed through Hono's Env, served on
// Node by @hono/node-server. Run: SESSION_SECRET=… npx tsx server.ts
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import { type SessionEnv, session } from 'sealed-session/hono'
import { addChecks } from './checks' // demo checks

export interface Data {
  count: number
  user: string
}
export type AppEnv = SessionEnv<Data, 'session', { notice: string }>

const app = new Hono<AppEnv>()
app.use(
  session({
    secret: process.env.SESSION_SECRET ?? '', // read when the server starts
    cookie: { name: process.env.SESSION_COOKIE || 'session' },
    maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
  }),
)

// The page counts the visit and shows the flash message once. Hono's html`` escapes each value;
// raw() marks the app's own markup.
const LOGIN_FORM = raw(
  '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>',
)
const LOGOUT_FORM = raw('<form method="post" action="/logout"><button id="logout">Log out</button></form>')

app.get('/', (c) => {
  const session = c.var.session
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  const notice = session.flash('notice')
  const user = session.get('user')
  return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (Hono)</title></head>
<body>
${notice === undefined ? '' : html`<p id="flash" role="status">${notice}</p>`}
<p>Visits in this session: <strong id="count">${count}</strong></p>
<p>Signed in as: <strong id="user">${user ?? 'nobody'}</strong></p>
${user === undefined ? LOGIN_FORM : LOGOUT_FORM}
<p>Session id: <code id="sid">${session.id}</code></p>
</body></html>`)
})

app.post('/login', async (c) => {
  const name = String((await c.req.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  c.var.session.regenerate() // a fresh id on privilege change; the visit count carries over
  c.var.session.set('user', name)
  c.var.session.flash('notice', `Welcome, ${name}!`)
  return c.redirect('/', 303)
})

app.post('/logout', (c) => {
  c.var.session.destroy()
  return c.redirect('/', 303)
})

addChecks(app) // demo checks
serve({ fetch: app.fetch, hostname: process.env.HOST ?? 'localhost', port: Number(process.env.PORT) || 3000 })
