// "Before": the same login written with each library being replaced, using the real packages.
// Each function logs a user in the way that library's users write it and returns the `Cookie`
// header a browser would send back on its next request. Node only (cookie-session is).
//
//   node examples/migrating/before.mjs     prints one Cookie header per library
import { createServer } from 'node:http'
import cookieSessionMiddleware from 'cookie-session'
import { getIronSession } from 'iron-session'
import { createCookieSessionStorage } from 'react-router'

/** `Set-Cookie` values to the `Cookie` header a browser sends next (deletions left out). */
export function cookieHeader(setCookies) {
  return setCookies
    .map((c) => c.split(';')[0])
    .filter((pair) => pair.indexOf('=') < pair.length - 1)
    .join('; ')
}

/** Express cookie-session: `app.use(cookieSession({ name, keys }))`, then `req.session.x = ...`. */
export async function cookieSessionLogin(data, options) {
  const middleware = cookieSessionMiddleware(options)
  const server = createServer((req, res) => {
    middleware(req, res, () => {
      Object.assign(req.session, data)
      res.end('ok')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/login`)
    return cookieHeader(response.headers.getSetCookie())
  } finally {
    server.close()
  }
}

/** iron-session: `getIronSession(request, response, options)`, set fields, `save()`. */
export async function ironLogin(data, options) {
  const headers = new Headers()
  const session = await getIronSession(new Request('https://app.test/login'), headers, options)
  Object.assign(session, data)
  await session.save()
  return cookieHeader(headers.getSetCookie())
}

/** React Router: `createCookieSessionStorage({ cookie })`, `session.set`/`flash`, `commitSession`. */
export async function reactRouterLogin(data, flash, cookie) {
  const { getSession, commitSession } = createCookieSessionStorage({ cookie })
  const session = await getSession(null)
  for (const [key, value] of Object.entries(data)) session.set(key, value)
  for (const [key, value] of Object.entries(flash)) session.flash(key, value)
  return cookieHeader([await commitSession(session)])
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const user = { user: 'ada', roles: ['admin'] }
  console.log(await cookieSessionLogin(user, { name: 'session', keys: ['old-cookie-session-key'] }))
  console.log(
    await ironLogin(user, { cookieName: 'app', password: 'an-old-iron-password-0123456789-abcdef' }),
  )
  console.log(
    await reactRouterLogin(user, { notice: 'hi' }, { name: '__session', secrets: ['old-rr-secret'] }),
  )
}
