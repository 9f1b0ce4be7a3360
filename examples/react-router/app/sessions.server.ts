// The app's one session storage. Moving from React Router's own cookie storage is this file:
// `createCookieSessionStorage` from 'sealed-session/react-router' instead of 'react-router', with
// sealed-session's options. Loaders and actions keep getSession; they answer with
// `commitHeaders(session)`, every header the session needs (`commitSession` still works, but one
// string carries one cookie, and no Cache-Control).
// Settings as every demo takes them: SESSION_SECRET, SESSION_COOKIE, SESSION_MAX_AGE; and
// OLD_SESSION_SECRET, the secret of React Router's own storage this app moved from.
import type { SessionStorage } from 'react-router'
import { reactRouter } from 'sealed-session/legacy/react-router'
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
const old = process.env.OLD_SESSION_SECRET

// `satisfies`, checked by the build's tsc: this is React Router's own SessionStorage type.
export const { getSession, commitHeaders } = createCookieSessionStorage<Data, Flash>({
  secret: secret(),
  ...(name ? { cookie: { name } } : {}),
  ...(maxAge ? { maxAge, idleTimeout: maxAge } : {}),
  // A cookie of React Router's own storage (`__session`) opens once; the response re-seals it as
  // ours and deletes it.
  ...(old ? { legacy: [reactRouter({ secrets: [old] })] } : {}),
}) satisfies SessionStorage<Data, Flash>
