// docs/revocation.md: "Sessions from another library's cookie have no known issue time: any
// revocation of their subject covers them, whenever it was made." But the revocation records are
// kept only ~maxAge (+60 s), while a cookie-session / React Router cookie never expires on the
// server: a stolen old-library cookie opens again once the record is dropped.
import { withSession } from 'sealed-session'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { DAY, req, SECRET, T0, verdict } from './common.mjs'

let t = T0
const now = () => t
const KEY = 'old-cookie-session-key'
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
// The victim's Express cookie-session cookie, copied by malware before the migration.
const value = btoa(JSON.stringify({ user: 'ada' }))
const stolen = `legacy=${value}; legacy.sig=${await keygrip(`legacy=${value}`)}`

for (const how of ['revokeSubject', 'revoke(session)']) {
  // Two processes sharing one store (Redis, KV, a Durable Object): A revokes, B serves
  // the next day, C (a new isolate or a restarted process) two weeks later.
  const shared = memoryStore({ now })
  const make = (revoker) =>
    withSession(
      async (request, session) => {
        who = session.get('user') ?? null
        if (new URL(request.url).pathname === '/revoke' && who) {
          if (how === 'revokeSubject') await revoker.revokeSubject(who)
          else await revoker.revoke(session)
        }
        return new Response('')
      },
      { secret: SECRET, now, revocation: revoker, legacy: [cookieSession({ name: 'legacy', keys: [KEY] })] },
    )
  let who
  const revoker = revocation({ store: shared, subject: (s) => s.get('user'), now })
  const a = make(revoker)
  const b = make(revocation({ store: shared, subject: (s) => s.get('user'), now }))
  const c = make(revocation({ store: shared, subject: (s) => s.get('user'), now })) // a later isolate

  t = T0
  await a(req('/revoke', stolen)) // the admin logs the user out everywhere
  t = T0 + DAY
  await b(req('/', stolen))
  const day1 = who
  t = T0 + 15 * DAY
  await c(req('/', stolen))
  verdict(
    day1 === null && who === 'ada',
    `stolen legacy cookie opens again 15 days after ${how}`,
    `day 1: ${JSON.stringify(day1)} (refused), day 15: ${JSON.stringify(who)}`,
  )
}
