// The app's one session storage. Moving from React Router's own cookie storage is this file:
// `createCookieSessionStorage` from 'sealed-session/react-router' instead of 'react-router', with
// sealed-session's options. Loaders and actions keep getSession/commitSession/destroySession.
// Settings as every demo takes them: SESSION_SECRET, SESSION_COOKIE, SESSION_MAX_AGE.
import type { SessionStorage } from 'react-router'
import { createCookieSessionStorage } from 'sealed-session/react-router'

export interface Data {
  count: number
  user: string
  note: string
}

export interface Flash {
  notice: string
}

function secret(): string {
  const configured = process.env.SESSION_SECRET
  if (configured) return configured
  console.log(
    'No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).',
  )
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
}

const maxAge = Number(process.env.SESSION_MAX_AGE) || undefined
const name = process.env.SESSION_COOKIE

// `satisfies`, checked by the build's tsc: this is React Router's own SessionStorage type.
export const { getSession, commitSession, destroySession } = createCookieSessionStorage<Data, Flash>({
  secret: secret(),
  ...(name ? { cookie: { name } } : {}),
  ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
}) satisfies SessionStorage<Data, Flash>
