// applyCommit treats only `public` and `s-maxage` as shared-cacheable. RFC 9111 section 3 lets a
// shared cache store any response with `max-age` (or `Expires`) unless it is `private`/`no-store`,
// and Set-Cookie does not inhibit caching (RFC 9111 section 7.3 / RFC 6265 section 8). CDNs obey
// targeted fields (RFC 9213 CDN-Cache-Control, Surrogate-Control) over Cache-Control entirely.
import { withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { DAY, live, req, SECRET, T0, verdict } from './common.mjs'

let t = T0
const binding = deviceBound()
const app = (headers, act) =>
  withSession(
    (_request, session) => {
      act(session)
      return new Response('page', { headers })
    },
    { secret: SECRET, now: () => t, deviceBinding: binding },
  )

// A session of user ada.
const login = await app({}, (s) => {
  s.set('user', 'ada')
  s.flash('notice', 'welcome')
})(req('/login'))
const cookie = live(login)

for (const [label, headers] of [
  ['Cache-Control: max-age=600', { 'cache-control': 'max-age=600' }],
  ['Expires (no Cache-Control)', { expires: 'Wed, 01 Jan 2031 00:00:00 GMT' }],
  ['CDN-Cache-Control: max-age=600', { 'cdn-cache-control': 'max-age=600' }],
  ['Surrogate-Control: max-age=600', { 'surrogate-control': 'max-age=600' }],
]) {
  // An explicit change on a page the app made cacheable: the flash message is read (a GET page).
  const res = await app(headers, (s) => s.flash('notice'))(req('/', cookie))
  const cc = res.headers.get('cache-control')
  const shared = !/private|no-store/i.test(cc ?? '') || /cdn-cache|surrogate/i.test(label)
  verdict(
    res.headers.getSetCookie().length > 0 && shared,
    `session Set-Cookie on a shared-storable response (${label})`,
    `Set-Cookie: ${res.headers.getSetCookie()[0]?.slice(0, 30)}...  Cache-Control: ${cc}`,
  )
}
// Implicit renewal (rolling) on a max-age page: should be left off like on `public`.
t = T0 + 2 * DAY
const renewed = await app({ 'cache-control': 'max-age=600' }, () => {})(req('/', cookie))
verdict(
  renewed.headers.getSetCookie().length > 0,
  'implicit renewal attached to a max-age=600 response',
  `Cache-Control: ${renewed.headers.get('cache-control')}`,
)
t = T0 + 60_000 // no renewal due
// bind() on a later request (docs: "bind() on a later request asks again") of a public page:
const pub = await app({ 'cache-control': 'public, max-age=600' }, (s) => binding.bind(s))(req('/', cookie))
verdict(
  pub.headers.has('secure-session-registration') && /public/.test(pub.headers.get('cache-control')),
  'per-session DBSC challenge header added to a `public` response',
  `Secure-Session-Registration: ${pub.headers.get('secure-session-registration')?.slice(0, 40)}...; Cache-Control: ${pub.headers.get('cache-control')}`,
)
