// session.ts: the session as a Hattip middleware, typed on `ctx.locals`.
import type { RequestContext } from '@hattip/compose'
import { createSessionStore, type Session } from 'sealed-session'

export interface Data {
  count: number
  user: string
}
type Flash = { notice: string }

declare module '@hattip/compose' {
  interface Locals {
    session: Session<Data, Flash>
  }
}

const sessions = createSessionStore<Data, Flash>({
  secret: process.env.SESSION_SECRET ?? '',
  cookie: { name: process.env.SESSION_COOKIE || 'session' },
  maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
})

export async function session(ctx: RequestContext): Promise<Response> {
  const session = await sessions.load(ctx.request)
  ctx.locals.session = session
  const response = await ctx.next().catch((error: unknown) => {
    sessions.discard(session) // a handler that failed writes nothing
    throw error
  })
  if (response.status >= 500) {
    sessions.discard(session)
    return response
  }
  return sessions.apply(session, response)
}
