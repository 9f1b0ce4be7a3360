// server/routes/index.get.ts: the page counts the visit and shows the flash message once.
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export default defineEventHandler((event) => {
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
<html lang="en"><head><meta charset="utf-8"><title>sealed-session demo (Nuxt)</title></head>
<body>
<h1>sealed-session demo (Nuxt)</h1>
${flash}
<p>Visits in this session: <strong id="count">${s.get('count')}</strong></p>
<p>Signed in as: <strong id="user">${escapeHtml(user ?? 'nobody')}</strong></p>
${form}
<p><a href="/session">Decoded session (JSON)</a> · <a href="/">Reload</a></p>
<p>Session id: <code id="sid">${s.id}</code></p>
</body></html>`
})
