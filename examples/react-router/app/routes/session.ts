// The demo's checks (test/demo-checks.mjs), not part of the recipe: the session as JSON. It only
// reads, so it commits nothing.
import { getSession } from '../sessions.server'
import type { Route } from './+types/session'

export async function loader({ request }: Route.LoaderArgs) {
  const { sealed } = await getSession(request.headers.get('Cookie'))
  return Response.json({
    id: sealed.id,
    isNew: sealed.isNew,
    createdAt: new Date(sealed.createdAt).toISOString(),
    expiresAt: new Date(sealed.expiresAt).toISOString(),
    data: sealed.data,
  })
}
