import type { PageServerLoad } from './$types'

// Runs for the page and for its `/__data.json` (client-side navigation) alike.
export const load: PageServerLoad = ({ locals: { session } }) => {
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  return { count, user: session.get('user'), notice: session.flash('notice'), sid: session.id }
}
