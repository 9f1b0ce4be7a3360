// server/middleware/session.ts: the session on event.context for every request, typed on h3's
// H3EventContext (Nuxt 4 runs h3 1.15). A v1 middleware cannot wrap the route: sealed-session/h3
// commits the session when the response starts, so sendRedirect carries the cookie too.
import { type Session, session } from 'sealed-session/h3'

export interface Data {
  count: number
  user: string
}

declare module 'h3' {
  interface H3EventContext {
    session: Session<Data, { notice: string }>
  }
}

export default session({
  secret: process.env.SESSION_SECRET ?? '', // read when the server starts, never built in
  cookie: { name: process.env.SESSION_COOKIE || 'session' },
  maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
})
