// src/routes/+page.server.ts: counts the visit and takes the flash message, for the page and for
// its `__data.json` (client-side navigation) alike.
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = ({ locals: { session } }) => {
  const count = (session.get('count') ?? 0) + 1
  session.set('count', count)
  return { count, user: session.get('user'), notice: session.flash('notice'), sid: session.id }
}
