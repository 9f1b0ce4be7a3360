// The demo's checks (test/demo-checks.mjs), not part of the recipe: the session as JSON, a
// session that outgrows its cookie, a handler that fails after changing the session, and where
// the plugin was loaded from (the built package).
import { CookieTooLargeError } from 'sealed-session'
import type { app } from './server'

export function addChecks(demo: typeof app): void {
  demo
    .get('/session', ({ session }) => ({
      id: session.id,
      isNew: session.isNew,
      createdAt: new Date(session.createdAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      data: session.data,
    }))
    .get('/grow', async ({ query, session, status }) => {
      const bytes = Math.min(Number(query.bytes) || 0, 1 << 20)
      session.set('user', 'x'.repeat(bytes))
      try {
        await session.save()
      } catch (error) {
        if (!(error instanceof CookieTooLargeError)) throw error
        // Nothing is written for this request: the browser keeps its previous, valid cookie.
        return status(413, { error: error.code, size: error.size, limit: error.limit })
      }
      return { stored: bytes }
    })
    // Changes the session, then fails: Elysia answers 500 and the change is not written.
    .get('/fail', ({ session }) => {
      session.set('count', -1)
      throw new Error('the handler failed after changing the session')
    })
  console.log(`sealed-session/elysia from ${import.meta.resolve('sealed-session/elysia')}`)
}
