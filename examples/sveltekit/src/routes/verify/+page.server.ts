// The demo's checks (test/frameworks.mjs), not part of the recipe: a second factor as a form
// action. It starts the new identity, then checks the code: the right one is written with the
// action's result; a wrong one answers fail(401), which SvelteKit 2 answers `use:enhance` with
// in a 200, and nothing of it is written.
import { fail } from '@sveltejs/kit'
import type { Actions } from './$types'
import { CODE } from './code'

export const actions: Actions = {
  default: async ({ request, locals: { session } }) => {
    const form = await request.formData()
    const user = String(form.get('user') ?? '').slice(0, 64) || 'anonymous'
    session.regenerate()
    session.set('user', user)
    if (form.get('code') !== CODE) return fail(401, { message: 'wrong code' })
    return { user }
  },
}
