// The documented Workers pattern shares one revocation() between every configuration an options
// function returns (`revoker ??= revocation(...)`). Store keys are `u:<subject>` / `s:<id>` with
// nothing of the tenant in them: tenant A's revokeSubject('42') logs out user 42 of tenant B.
import { withSession } from 'sealed-session'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { live, OTHER, SECRET, T0, verdict } from './common.mjs'

let t = T0
const now = () => t

const revoker = revocation({ store: memoryStore({ now }), subject: (s) => s.get('user'), now })
const secrets = { a: SECRET, b: OTHER }
let who
const app = withSession(
  async (request, session) => {
    who = session.get('user') ?? null
    if (new URL(request.url).pathname === '/login') {
      session.regenerate()
      session.set('user', '42')
    }
    if (new URL(request.url).pathname === '/logout-everywhere') {
      await revoker.revokeSubject(session.get('user'))
      session.destroy()
    }
    return new Response('')
  },
  (request) => ({ secret: secrets[new URL(request.url).hostname.split('.')[0]], revocation: revoker, now }),
)
const at = (host, path, cookie) =>
  app(new Request(`https://${host}.example${path}`, { headers: cookie ? { cookie } : {} }))

const b = live(await at('b', '/login')) // user 42 of tenant B
const a = live(await at('a', '/login')) // user 42 of tenant A (another person)
t += 5 * 60_000 // five minutes later (beyond clockSkew)
await at('a', '/logout-everywhere', a) // A's user 42 logs out everywhere
await at('b', '/', b)
verdict(
  who === null,
  "one tenant's revokeSubject() logs out the same subject id in every tenant",
  `tenant B's user 42 after tenant A's logout-everywhere: ${JSON.stringify(who)}`,
)
