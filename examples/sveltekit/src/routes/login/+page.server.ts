// src/routes/login/+page.server.ts: the login form's action. A browser's post gets the 303, and
// `use:enhance` the same redirect as JSON; both carry the new cookie.
import { redirect } from '@sveltejs/kit'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = () => redirect(303, '/')

export const actions: Actions = {
  default: async ({ request, locals: { session } }) => {
    const name = String((await request.formData()).get('user') ?? '').slice(0, 64) || 'anonymous'
    session.regenerate() // a fresh id on privilege change; the visit count carries over
    session.set('user', name)
    session.flash('notice', `Welcome, ${name}!`)
    redirect(303, '/')
  },
}
