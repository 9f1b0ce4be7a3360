import { type Handle, text } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import type { SessionOptions } from 'sealed-session'
import { session } from 'sealed-session/sveltekit'
import { env } from '$env/dynamic/private'

// The demo's settings (see examples/app.ts): SESSION_SECRET, SESSION_COOKIE, SESSION_MAX_AGE.
let secret = env.SESSION_SECRET
if (!secret) {
  secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log(
    'No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).',
  )
}
const options: SessionOptions = { secret, cookie: env.SESSION_COOKIE ? { name: env.SESSION_COOKIE } : {} }
if (env.SESSION_MAX_AGE) options.maxAge = options.idleTimeout = Number(env.SESSION_MAX_AGE)

/** Refuses form posts from other sites (see svelte.config.js): a foreign Origin, not a missing one. */
const sameOrigin: Handle = ({ event, resolve }) => {
  const origin = event.request.headers.get('origin')
  if (event.request.method !== 'GET' && origin !== null && origin !== event.url.origin) {
    return text('Cross-site form submissions are forbidden', { status: 403 })
  }
  return resolve(event)
}

export const handle = sequence(sameOrigin, session(options))
