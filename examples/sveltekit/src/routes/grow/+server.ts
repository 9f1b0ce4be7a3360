// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import { json } from '@sveltejs/kit'
import { CookieTooLargeError } from 'sealed-session'
import type { RequestHandler } from './$types'

// Stores `bytes` characters; past the cookie limit the write fails and the old session stays.
export const GET: RequestHandler = async ({ url, locals: { session } }) => {
  const bytes = Math.min(Number(url.searchParams.get('bytes') ?? 0) || 0, 1 << 20)
  session.set('user', 'x'.repeat(bytes))
  try {
    await session.save()
  } catch (error) {
    if (error instanceof CookieTooLargeError) {
      // Nothing is written for this request: the browser keeps its previous, valid cookie.
      return json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
    }
    throw error
  }
  return json({ stored: bytes })
}
