// server.ts: an h3 v2 app with the session on `event.context`, typed through h3's own
// H3EventContext, served by h3's `serve`. Run: SESSION_SECRET=… npx tsx server.ts
import { H3, html, raw, redirect, serve } from 'h3'
import { type Session, session } from 'sealed-session/h3'
import { addChecks } from './checks' // demo checks

export interface Data {
  count: number
  user: string
}

declare module 'h3' {
  interface H3EventContext {
    session: Session<Data, { notice: string }>
  }
}

const app = new H3().use(
  session({
    secret: process.env.SESSION_SECRET ?? '', // read when the server starts
    cookie: { name: process.env.SESSION_COOKIE || 'session' },
    maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
  }),
)

// The page counts the visit and shows the flash message once. h3's html`` escapes each value;
// raw() marks the app's own markup.
const LOGIN_FORM = raw(
  '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>',
)
const LOGOUT_FORM = raw('<form method="post" action="/logout"><button id="logout">Log out</button></form>')

app.get('/', ({ context: { session } }) => {
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  const notice = session.flash('notice')
  const user = session.get('user')
  const [open, close] = notice === undefined ? ['', ''] : [raw('<p id="flash" role="status">'), raw('</p>')]
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (h3)</title></head>
<body>
${open}${notice}${close}
<p>Visits in this session: <strong id="count">${count}</strong></p>
<p>Signed in as: <strong id="user">${user ?? 'nobody'}</strong></p>
${user === undefined ? LOGIN_FORM : LOGOUT_FORM}
<p>Session id: <code id="sid">${session.id}</code></p>
</body></html>`
})

app.post('/login', async ({ req, context: { session } }) => {
  const name = String((await req.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  return redirect('/', 303)
})

app.post('/logout', ({ context: { session } }) => {
  session.destroy()
  return redirect('/', 303)
})

addChecks(app) // demo checks
serve(app, { hostname: process.env.HOST ?? 'localhost', port: Number(process.env.PORT) || 3000 })
