// server.ts: an Elysia app on Bun, with the session plugin: `session` in every later handler's
// context, typed by Elysia's own inference. Run: SESSION_SECRET=… bun server.ts
import { Elysia, t } from 'elysia'
import { session } from 'sealed-session/elysia'
import { addChecks } from './checks' // demo checks

export interface Data {
  count: number
  user: string
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const LOGIN_FORM =
  '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>'
const LOGOUT_FORM = '<form method="post" action="/logout"><button id="logout">Log out</button></form>'

export const app = new Elysia()
  .use(
    session<Data, { notice: string }>({
      secret: process.env.SESSION_SECRET ?? '', // read when the server starts
      cookie: { name: process.env.SESSION_COOKIE || 'session' },
      maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
    }),
  )
  // The page counts the visit and shows the flash message once.
  .get('/', ({ session, set }) => {
    const count = (session.get('count') ?? 0) + 1
    session.set('count', count)
    const notice = session.flash('notice')
    const user = session.get('user')
    set.headers['content-type'] = 'text/html; charset=utf-8'
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (Elysia)</title></head>
<body>
${notice === undefined ? '' : `<p id="flash" role="status">${escapeHtml(notice)}</p>`}
<p>Visits in this session: <strong id="count">${count}</strong></p>
<p>Signed in as: <strong id="user">${escapeHtml(user ?? 'nobody')}</strong></p>
${user === undefined ? LOGIN_FORM : LOGOUT_FORM}
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

addChecks(app) // demo checks
app.listen({ hostname: process.env.HOST ?? 'localhost', port: Number(process.env.PORT) || 3000 })
