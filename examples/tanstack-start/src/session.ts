// src/session.ts: the session in a request middleware, for every page, server route and server
// function. Returning `next()`'s result, with the cookie put on its response, keeps the context's
// type (`context.session`) for everything after it; returning a Response would lose it.
import { createMiddleware } from '@tanstack/react-start'
import { createSessionStore } from 'sealed-session'

export interface Data {
  count: number
  user: string
}

export const sessions = createSessionStore<Data, { notice: string }>({
  secret: process.env.SESSION_SECRET ?? '', // read when the server starts, never built in
  cookie: { name: process.env.SESSION_COOKIE || 'session' },
  maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
})

export const sessionMiddleware = createMiddleware().server(async ({ request, next }) => {
  const session = await sessions.load(request)
  const result = await next({ context: { session } })
  if (result.response.status >= 500)
    sessions.discard(session) // a route that failed writes nothing
  else result.response = await sessions.apply(session, result.response)
  return result
})
