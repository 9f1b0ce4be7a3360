// The demo's checks (test/demo-checks.mjs), not part of the recipe.
import type { APIRoute } from 'astro'
import { CookieTooLargeError } from 'sealed-session'

// Stores `bytes` characters; past the cookie limit the write fails and the old session stays.
export const GET: APIRoute = async ({ url, locals }) => {
  const bytes = Math.min(Number(url.searchParams.get('bytes') ?? 0) || 0, 1 << 20)
  const session = locals.sealedSession
  session.set('user', 'x'.repeat(bytes))
  try {
    await session.save()
  } catch (error) {
    if (error instanceof CookieTooLargeError) {
      // Nothing is written for this request: the browser keeps its previous, valid cookie.
      return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
    }
    throw error
  }
  return Response.json({ stored: bytes })
}
