// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import { error } from '@sveltejs/kit'
import type { Actions, PageServerLoad } from './$types'

/** A login step that issues a new id, then refuses the second factor: nothing of it is written. */
function refuse(session: App.Locals['session']): never {
  session.regenerate()
  session.set('user', 'mallory')
  error(401, 'second factor refused')
}

export const load: PageServerLoad = ({ locals }) => refuse(locals.session)

export const actions: Actions = {
  default: ({ locals }) => refuse(locals.session),
}
