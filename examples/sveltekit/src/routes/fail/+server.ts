// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import type { RequestHandler } from './$types'

// Changes the session, then fails: SvelteKit answers 500 and the change is not written.
export const GET: RequestHandler = ({ locals: { session } }) => {
  session.set('count', -1)
  throw new Error('the endpoint failed after changing the session')
}
