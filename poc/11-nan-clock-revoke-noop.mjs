// Clock edges: with a revocation clock that returns NaN (a broken injected clock, `Date.parse`
// of a bad string), revoke(session) computes a NaN ttl, skips the write and resolves as if done:
// the session is not revoked and nothing says so. revokeSubject() with the same clock throws.
import { withSession } from 'sealed-session'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { live, req, SECRET, verdict } from './common.mjs'

const revoker = revocation({ store: memoryStore(), subject: (s) => s.get('user'), now: () => Number.NaN })
let who, outcome
const app = withSession(
  async (request, session) => {
    who = session.get('user') ?? null
    const path = new URL(request.url).pathname
    if (path === '/login') {
      session.regenerate()
      session.set('user', 'ada')
    }
    if (path === '/revoke') {
      try {
        await revoker.revoke(session)
        outcome = 'resolved'
      } catch (e) {
        outcome = `threw ${e.code}`
      }
    }
    return new Response('')
  },
  { secret: SECRET, revocation: revoker },
)
const c = live(await app(req('/login')))
await app(req('/revoke', c))
await app(req('/', c))
let subj
try {
  await revoker.revokeSubject('ada')
  subj = 'resolved'
} catch (e) {
  subj = `threw ${e.code}`
}
verdict(
  outcome === 'resolved' && who === 'ada',
  'revoke(session) with a NaN clock resolves but revokes nothing',
  `revoke(session): ${outcome}; next request user = ${JSON.stringify(who)}; revokeSubject with the same clock: ${subj}`,
)
