// lib/session.ts: the session's types and options, for the proxy, pages, Server Actions and Route
// Handlers alike.
import { cookies } from 'next/headers'
import type { SessionOptions } from 'sealed-session'
import { getSession } from 'sealed-session/next'

export interface Data {
  count: number
  user: string
}

export interface Flash {
  notice: string
}

/** The request header through which the proxy hands the page the flash message it took. */
export const FLASH_HEADER = 'x-flash'

/** Read per request, not at import: `next build` loads this module without SESSION_SECRET. */
export function sessionOptions(): SessionOptions {
  return {
    secret: process.env.SESSION_SECRET ?? '',
    cookie: { name: process.env.SESSION_COOKIE || 'session' },
    maxAge: Number(process.env.SESSION_MAX_AGE) || 14 * 24 * 60 * 60,
  }
}

/** This request's session: `save()` writes it where Next allows (Server Actions, Route Handlers). */
export async function currentSession() {
  return getSession<Data, Flash>(await cookies(), sessionOptions())
}
