// The demo's checks (test/demo-checks.mjs), not part of the recipe: the session as JSON, a
// session that outgrows its cookie, a route that fails after changing the session.
import type { Router } from '@hattip/router'
import { CookieTooLargeError } from 'sealed-session'

export function addChecks(checks: Router): void {
  checks.get('/session', ({ locals: { session } }) =>
    Response.json({
      id: session.id,
      isNew: session.isNew,
      createdAt: new Date(session.createdAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      data: session.data,
    }),
  )

  checks.get('/grow', async ({ url, locals: { session } }) => {
    const bytes = Math.min(Number(url.searchParams.get('bytes')) || 0, 1 << 20)
    session.set('user', 'x'.repeat(bytes))
    try {
      await session.save()
    } catch (error) {
      if (!(error instanceof CookieTooLargeError)) throw error
      return Response.json({ error: error.code, size: error.size, limit: error.limit }, { status: 413 })
    }
    return Response.json({ stored: bytes })
  })

  checks.get('/fail', ({ locals: { session } }) => {
    session.set('count', -1)
    throw new Error('the route failed after changing the session')
  })
}
