// The demo's checks (test/demo-checks.mjs), not part of the recipe. Stores `bytes` characters;
// past the cookie limit commitHeaders throws, nothing is written, and the browser keeps its
// previous cookie.
import { CookieTooLargeError } from 'sealed-session'
import { commitHeaders, getSession } from '../sessions.server'
import type { Route } from './+types/grow'

export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request.headers.get('Cookie'))
  const bytes = Math.min(Number(new URL(request.url).searchParams.get('bytes') ?? 0) || 0, 1 << 20)
  session.set('user', 'x'.repeat(bytes))
  try {
    return Response.json({ stored: bytes }, { headers: await commitHeaders(session) })
  } catch (error) {
    if (!(error instanceof CookieTooLargeError)) throw error
    return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
  }
}
