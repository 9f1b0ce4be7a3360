import { SESSION_COOKIE, SESSION_MAX_AGE, SESSION_SECRET } from 'astro:env/server'
import { defineMiddleware, sequence } from 'astro:middleware'
import { sealedSession } from 'sealed-session/astro'

let secret = SESSION_SECRET
if (!secret) {
  secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log(
    'No SESSION_SECRET set: using a random development secret (sessions end when the server restarts).',
  )
}

// What Astro's security.checkOrigin does for browsers (turned off in astro.config.mjs): a form
// post from another site carries that site's Origin. A request without one is not a browser's.
const sameOrigin = defineMiddleware(({ request, url }, next) => {
  const origin = request.headers.get('origin')
  if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && origin !== null && origin !== url.origin) {
    return new Response('Cross-site form submissions are forbidden', { status: 403 })
  }
  return next()
})

export const onRequest = sequence(
  sameOrigin,
  sealedSession({
    secret,
    cookie: SESSION_COOKIE ? { name: SESSION_COOKIE } : {},
    ...(SESSION_MAX_AGE ? { maxAge: SESSION_MAX_AGE, idleTimeout: SESSION_MAX_AGE } : {}),
  }),
)
