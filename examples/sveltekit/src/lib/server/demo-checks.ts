// The demo's checks (test/demo-checks.mjs), not part of the recipe: the cookie name and the
// session lifetime they expect, from SESSION_COOKIE and SESSION_MAX_AGE (see src/env.ts).
import type { SessionOptions } from 'sealed-session'
import { SESSION_COOKIE, SESSION_MAX_AGE } from '$app/env/private'

export const demoSettings: Partial<SessionOptions> = {
  ...(SESSION_COOKIE ? { cookie: { name: SESSION_COOKIE } } : {}),
  ...(SESSION_MAX_AGE ? { maxAge: Number(SESSION_MAX_AGE) } : {}),
}
