// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import { currentSession } from '../../lib/session'

export async function POST(): Promise<Response> {
  const session = await currentSession()
  session.destroy()
  await session.save()
  return new Response(null, { status: 303, headers: { location: '/' } })
}
