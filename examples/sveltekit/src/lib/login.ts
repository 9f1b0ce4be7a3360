import { redirect } from '@sveltejs/kit'

/** Signs in as the form's `user`, then redirects home (303). */
export async function logIn(request: Request, session: App.Locals['session']): Promise<never> {
  const form = await request.formData()
  const name = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
  session.regenerate() // a fresh id on privilege change; the visit count carries over
  session.set('user', name)
  session.flash('notice', `Welcome, ${name}!`)
  redirect(303, '/')
}
