// The commit memo: save() records a commit, and a later commit with the same `version` reuses it.
// bind() changes no version, so `await session.save(); binding.bind(session)` (save() to catch a
// CookieTooLargeError at login, as the docs suggest) silently drops the registration header: the
// session is never device-bound, and nothing says so.
import { withSession } from 'sealed-session'
import { deviceBound } from 'sealed-session/device-bound'
import { req, SECRET, verdict } from './common.mjs'

const binding = deviceBound()
const app = (saveFirst) =>
  withSession(
    async (_request, session) => {
      session.regenerate()
      session.set('user', 'ada')
      if (saveFirst) await session.save() // to catch CookieTooLargeError where it can be answered
      binding.bind(session)
      return new Response('logged in')
    },
    { secret: SECRET, deviceBinding: binding },
  )

const plain = await app(false)(req('/login', undefined, {}, { method: 'POST' }))
const saved = await app(true)(req('/login', undefined, {}, { method: 'POST' }))
console.log(
  `            without save(): Secure-Session-Registration ${plain.headers.has('secure-session-registration') ? 'present' : 'MISSING'}`,
)
verdict(
  !saved.headers.has('secure-session-registration'),
  'bind() after save() is silently ignored (commit memo reused)',
  `with save() first: Secure-Session-Registration ${saved.headers.has('secure-session-registration') ? 'present' : 'MISSING'}; Set-Cookie count ${saved.headers.getSetCookie().length}`,
)
