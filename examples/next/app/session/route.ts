// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import { currentSession } from '../../lib/session'

export async function GET(): Promise<Response> {
  const session = await currentSession()
  return Response.json({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  })
}
