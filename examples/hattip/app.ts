// app.ts: the routes, each with `ctx.locals.session`.
import { createRouter } from '@hattip/router'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const redirect = (location: string) => new Response(null, { status: 303, headers: { location } })

export const app = createRouter()

app.get('/', ({ locals: { session } }) => {
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  const notice = session.flash('notice')
  const user = session.get('user')
  const form = user
    ? '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
    : '<form method="post" action="/login"><input name="user" id="name" value="ada" aria-label="user name"> <button id="login">Log in</button></form>'
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sealed-session demo</title></head><body>
${notice === undefined ? '' : `<p id="flash" role="status">${escapeHtml(notice)}</p>`}
<p>Visits in this session: <strong id="count">${count}</strong></p>
<p>Signed in as: <strong id="user">${escapeHtml(user ?? 'nobody')}</strong></p>
${form}
<p>Session id: <code id="sid">${session.id}</code></p>
</body></html>`,
    { headers: { 'content-type': 'text/html; charset=utf-8' } },
  )
})

app.post('/login', async ({ request, locals: { session } }) => {
  const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  return redirect('/')
})

app.post('/logout', ({ locals: { session } }) => {
  session.destroy()
  return redirect('/')
})
