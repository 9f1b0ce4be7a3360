// server/routes/login.post.ts
export default defineEventHandler(async (event) => {
  const s = event.context.session
  const name = String((await readFormData(event)).get('user') ?? '').slice(0, 64) || 'anonymous'
  s.regenerate() // a fresh id on privilege change; the visit count carries over
  s.set('user', name)
  s.flash('notice', `Welcome, ${name}!`)
  return sendRedirect(event, '/', 303)
})
