// The demo's checks (test/demo-checks.mjs), not part of the recipe: the session as JSON, a
// session that outgrows its cookie, a route that fails after changing the session, and where the
// middleware was loaded from (the built package).
import type { Hono } from 'hono'
import { CookieTooLargeError } from 'sealed-session'
import type { AppEnv } from './server'

export function addChecks(app: Hono<AppEnv>): void {
  app.get('/session', (c) => {
    const session = c.var.session
    return c.json({
      id: session.id,
      isNew: session.isNew,
      createdAt: new Date(session.createdAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      data: session.data,
    })
  })

  app.get('/grow', async (c) => {
    const bytes = Math.min(Number(c.req.query('bytes')) || 0, 1 << 20)
    c.var.session.set('user', 'x'.repeat(bytes))
    try {
      await c.var.session.save()
    } catch (error) {
      if (!(error instanceof CookieTooLargeError)) throw error
      // Nothing is written for this request: the browser keeps its previous, valid cookie.
      return c.json({ error: error.code, size: error.size, limit: error.limit }, 413)
    }
    return c.json({ stored: bytes })
  })

  // Changes the session, then fails: Hono answers 500 and the change is not written.
  app.get('/fail', (c) => {
    c.var.session.set('count', -1)
    throw new Error('the route failed after changing the session')
  })

  console.log(`sealed-session/hono from ${import.meta.resolve('sealed-session/hono')}`)
}
