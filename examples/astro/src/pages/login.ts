import type { APIRoute } from 'astro'

export const POST: APIRoute = async ({ request, locals, redirect }) => {
  const form = await request.formData()
  const name = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
  const session = locals.sealedSession
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  return redirect('/', 303)
}
