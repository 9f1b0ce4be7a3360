// src/middleware.ts: sealed-session/h3 is an h3 v2 middleware, which SolidStart 2 runs as is.
import { createMiddleware } from '@solidjs/start/middleware'
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

export default createMiddleware([
  session({
    secret: process.env.SESSION_SECRET ?? '', // read when the server starts, never built in
    cookie: { name: process.env.SESSION_COOKIE || 'session' },
    maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
  }),
])
