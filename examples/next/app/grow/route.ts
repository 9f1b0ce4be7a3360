// The demo's checks (test/demo-checks.mjs, test/frameworks.mjs), not part of the recipe.
import type { NextRequest } from 'next/server'
import { CookieTooLargeError } from 'sealed-session'
import { currentSession } from '../../lib/session'

export async function GET(request: NextRequest): Promise<Response> {
  // Store `bytes` characters; past the cookie limit the write fails and the old session stays.
  const bytes = Math.min(Number(request.nextUrl.searchParams.get('bytes') ?? 0) || 0, 1 << 20)
  const session = await currentSession()
  session.set('user', 'x'.repeat(bytes))
  try {
    await session.save()
  } catch (error) {
    if (error instanceof CookieTooLargeError) {
      // Nothing was set: the browser keeps its previous, valid cookie.
      return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
    }
    throw error
  }
  return Response.json({ stored: bytes })
}
