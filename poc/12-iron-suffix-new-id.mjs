// legacy/reader.ts opened(): a legacy session's id is SHA-256 of the cookie value, "so that
// revoking it (by id) holds against every later request carrying that same old cookie". For
// iron, the value includes iron-session's `~2` marker, which is outside the MAC and ignored: a
// thief holding the seal picks any suffix and gets a fresh id, so revoke(session) never holds.
import * as Iron from 'iron-webcrypto'
import { withSession } from 'sealed-session'
import { iron } from 'sealed-session/legacy/iron'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { req, SECRET, verdict } from './common.mjs'

const PASSWORD = 'iron-password-0123456789-abcdefghijklmnop'
const seal = await Iron.seal({ user: 'ada' }, { id: '1', secret: PASSWORD }, { ...Iron.defaults, ttl: 0 })
const revoker = revocation({ store: memoryStore(), subject: (s) => s.get('user') })
const ids = []
let who
const app = withSession(
  async (request, session) => {
    who = session.get('user') ?? null
    if (who) ids.push(session.id)
    if (new URL(request.url).pathname === '/revoke') await revoker.revoke(session) // "end this stolen session"
    return new Response('')
  },
  { secret: SECRET, revocation: revoker, legacy: [iron({ cookieName: 'old', password: PASSWORD })] },
)

await app(req('/revoke', `old=${seal}~2`))
await app(req('/', `old=${seal}~2`))
const same = who
await app(req('/', `old=${seal}~2x`))
verdict(
  same === null && who === 'ada',
  'revoked iron legacy session reopens under a new id by changing the unauthenticated ~ suffix',
  `same cookie after revoke: ${JSON.stringify(same)}; with "~2x": ${JSON.stringify(who)} (ids ${ids.join(' -> ')})`,
)
