// src/pages/login.ts: the login form posts here.
import type { APIRoute } from 'astro'

export const POST: APIRoute = async ({ request, locals: { sealedSession: session }, redirect }) => {
  const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  return redirect('/', 303)
}
