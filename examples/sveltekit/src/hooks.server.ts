import { text } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import type { SessionOptions } from 'sealed-session'
import { session } from 'sealed-session/sveltekit'
import { SESSION_COOKIE, SESSION_MAX_AGE, SESSION_SECRET } from '$app/env/private'

// The demo's settings (see examples/app.ts): SESSION_SECRET, SESSION_COOKIE, SESSION_MAX_AGE.
let secret = SESSION_SECRET
if (!secret) {
  secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log(
    'No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).',
  )
}
const options: SessionOptions = { secret, cookie: SESSION_COOKIE ? { name: SESSION_COOKIE } : {} }
if (SESSION_MAX_AGE) options.maxAge = options.idleTimeout = Number(SESSION_MAX_AGE)

// SvelteKit's Handle type, exported by @sveltejs/kit/hooks in SvelteKit 3 and @sveltejs/kit in 2.
type Handle = Parameters<typeof sequence>[number]

/** Refuses form posts from other sites (see vite.config.ts): a foreign Origin, not a missing one. */
const sameOrigin: Handle = ({ event, resolve }) => {
  const origin = event.request.headers.get('origin')
  if (event.request.method !== 'GET' && origin !== null && origin !== event.url.origin) {
    return text('Cross-site form submissions are forbidden', { status: 403 })
  }
  return resolve(event)
}

export const handle = sequence(sameOrigin, session(options))
