// app/sessions.server.ts: the app's one session storage, in React Router's own SessionStorage
// shape (getSession, commitSession, destroySession) plus commitHeaders. Moving from React
// Router's cookie storage is this file: `createCookieSessionStorage` from
// 'sealed-session/react-router' instead of 'react-router', with sealed-session's options.
import type { SessionStorage } from 'react-router'
import { reactRouter } from 'sealed-session/legacy/react-router' // demo checks
import { createCookieSessionStorage } from 'sealed-session/react-router'

export interface Data {
  count: number
  user: string
}

export interface Flash {
  notice: string
}
const old = process.env.OLD_SESSION_SECRET // demo checks

// `satisfies`, checked by tsc: this is React Router's own SessionStorage type.
export const { getSession, commitHeaders } = createCookieSessionStorage<Data, Flash>({
  secret: process.env.SESSION_SECRET ?? '', // read when the server starts, never built in
  cookie: { name: process.env.SESSION_COOKIE || 'session' },
  maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
  ...(old ? { legacy: [reactRouter({ secrets: [old] })] } : {}), // demo checks
}) satisfies SessionStorage<Data, Flash>
