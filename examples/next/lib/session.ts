// The demo's session settings, from the same environment variables as every other example
// (../../app.ts): SESSION_SECRET, SESSION_COOKIE, SESSION_MAX_AGE.
import { cookies } from 'next/headers'
import type { SessionOptions } from 'sealed-session'
import { getSession } from 'sealed-session/next'

export interface DemoSession {
  count: number
  user: string
  note: string
}

export interface DemoFlash {
  notice: string
}

/** The request header through which the proxy hands the page the flash message it consumed. */
export const FLASH_HEADER = 'x-demo-flash'

// Next loads this module into several module graphs (the proxy, pages, route handlers); a random
// development secret is kept on globalThis so that they share it.
const shared = globalThis as { demoSecret?: string }
function secret(): string {
  const configured = process.env.SESSION_SECRET
  if (configured) return configured
  if (shared.demoSecret === undefined) {
    shared.demoSecret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    console.log(
      'No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).',
    )
  }
  return shared.demoSecret
}

/** Read per request, not at import: `next build` loads this module without the settings. */
export function sessionOptions(): SessionOptions {
  const maxAge = Number(process.env.SESSION_MAX_AGE) || undefined
  const name = process.env.SESSION_COOKIE
  return {
    secret: secret(),
    ...(name ? { cookie: { name } } : {}),
    ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
  }
}

/** This request's session, typed; `save()` writes it where Next allows (actions, route handlers). */
export async function demoSession() {
  return getSession<DemoSession, DemoFlash>(await cookies(), sessionOptions())
}
