// The demo's checks (test/demo-checks.mjs), not part of the recipe.
import type { APIRoute } from 'astro'

export const GET: APIRoute = ({ locals }) => {
  const session = locals.sealedSession
  return Response.json({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  })
}
