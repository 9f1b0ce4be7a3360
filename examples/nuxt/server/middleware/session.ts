// The session on event.context for every request, typed on h3's H3EventContext (Nuxt's h3 1.15).
// A v1 middleware cannot wrap the route: sealed-session/h3 commits the session when the response
// starts, so sendRedirect carries the cookie too. Settings: see examples/app.ts.
import type { SessionOptions } from 'sealed-session'
import { type Session, session } from 'sealed-session/h3'

export interface DemoSession {
  count: number
  user: string
  note: string
}

declare module 'h3' {
  interface H3EventContext {
    session: Session<DemoSession, { notice: string }>
  }
}

const env = process.env
let secret = env.SESSION_SECRET
if (!secret) {
  secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log('No SESSION_SECRET set: using a random development secret.')
}
const maxAge = Number(env.SESSION_MAX_AGE) || undefined
const options: SessionOptions = {
  secret,
  ...(env.SESSION_COOKIE ? { cookie: { name: env.SESSION_COOKIE } } : {}),
  ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
}

export default session(options)
