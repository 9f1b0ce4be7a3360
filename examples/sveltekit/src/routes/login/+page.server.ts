import { redirect } from '@sveltejs/kit'
import { logIn } from '../../lib/login'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = () => redirect(303, '/')

// The page's form: a browser's plain post gets the 303, `use:enhance` the same redirect as JSON.
export const actions: Actions = {
  default: ({ request, locals }) => logIn(request, locals.session),
}
