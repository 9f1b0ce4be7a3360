// The Next.js adapter writes a commit through `cookies().set(name, ...)`, and Next's
// ResponseCookies (@edge-runtime/cookies) keeps ONE cookie per name. A commit holding two cookies
// of one name (ours, and an old library's of the same name under another Domain or Path) loses
// all but the last: on logout our own cookie's deletion is dropped, and the session survives.
import { RequestCookies, ResponseCookies } from '@edge-runtime/cookies'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { getSession } from 'sealed-session/next'
import { SECRET, verdict } from './common.mjs'

// Migrating from Express cookie-session, whose cookie was `session` with Domain=example.com.
const options = {
  secret: SECRET,
  legacy: [cookieSession({ name: 'session', keys: ['k'], domain: 'example.com' })],
}
async function nextRequest(cookie, act) {
  const reqHeaders = new Headers(cookie ? { cookie } : {})
  const resHeaders = new Headers()
  const req = new RequestCookies(reqHeaders),
    res = new ResponseCookies(resHeaders)
  const session = await getSession({ getAll: () => req.getAll(), set: (...a) => res.set(...a) }, options)
  act(session)
  await session.save()
  return resHeaders.getSetCookie()
}
const KEY = 'k'
async function keygrip(data) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(KEY),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)))
  return btoa(String.fromCharCode(...mac))
    .replace(/\//g, '_')
    .replace(/\+/g, '-')
    .replace(/=/g, '')
}
const value = btoa(JSON.stringify({ user: 'ada' }))
// Migration: the browser sends its cookie-session cookie; the response should re-seal it as ours.
let user
const migrated = await nextRequest(
  `session=${value}; session.sig=${await keygrip(`session=${value}`)}`,
  (s) => {
    user = s.get('user')
    s.set('seen', 1)
  },
)
verdict(
  user === 'ada' && !migrated.some((c) => c.startsWith('session=e')),
  'Next adapter: migration writes no cookie of ours (same-name deletion kept instead)',
  `read user ${user}; Set-Cookie: ${JSON.stringify(migrated.map((c) => c.slice(0, 60)))}`,
)
const login = await nextRequest(undefined, (s) => s.set('user', 'ada'))
const ours = login[0].split(';')[0]
// Logout, from a browser that still has its old cookie-session cookie (any value of it)
const logout = await nextRequest(`${ours}; session=eyJ1c2VyIjoiYWRhIn0=; session.sig=x`, (s) => s.destroy())
const deletesOurs = logout.some((c) => c.startsWith('session=;') && !/Domain=/i.test(c))
verdict(
  !deletesOurs,
  "Next adapter: logout's deletion of our own cookie overwritten by the old library's same-name deletion",
  `Set-Cookie on logout: ${JSON.stringify(logout)}`,
)
