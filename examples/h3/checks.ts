// The demo's checks (test/demo-checks.mjs), not part of the recipe: the session as JSON, a
// session that outgrows its cookie, a route that fails after changing the session, and where the
// adapter was loaded from (the built package).
import type { H3 } from 'h3'
import { CookieTooLargeError } from 'sealed-session'

export function addChecks(app: H3): void {
  app.get('/session', ({ context: { session } }) => ({
    id: session.id,
    isNew: session.isNew,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    data: session.data,
  }))

  app.get('/grow', async (event) => {
    const bytes = Math.min(Number(event.url.searchParams.get('bytes')) || 0, 1 << 20)
    event.context.session.set('user', 'x'.repeat(bytes))
    try {
      await event.context.session.save()
    } catch (error) {
      if (!(error instanceof CookieTooLargeError)) throw error
      // Nothing is written for this request: the browser keeps its previous, valid cookie.
      event.res.status = 413
      return { error: error.code, size: error.size, limit: error.limit }
    }
    return { stored: bytes }
  })

  // Changes the session, then fails: h3 answers 500 and the change is not written.
  app.get('/fail', ({ context: { session } }) => {
    session.set('count', -1)
    throw new Error('the route failed after changing the session')
  })

  console.log(`sealed-session/h3 from ${import.meta.resolve('sealed-session/h3')}`)
}
