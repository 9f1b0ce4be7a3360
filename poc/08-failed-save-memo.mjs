// Session.get's JSDoc: "changing [an object value] in place changes the session (and is written
// like any other change)". After a failed save() the memo records FAILED under the current
// version, and an in-place change does not bump the version: the fix is silently never written.
import { withSession } from 'sealed-session'
import { live, req, SECRET, verdict } from './common.mjs'

const app = withSession(
  async (request, session) => {
    if (new URL(request.url).pathname === '/login') {
      session.set('cart', { items: ['a'] })
      return new Response('')
    }
    const cart = session.get('cart')
    cart.items.push('x'.repeat(5000)) // too big for one cookie
    try {
      await session.save()
    } catch (_e) {
      cart.items.pop()
      cart.items.push('b')
    } // shrink it back, in place
    return new Response('')
  },
  { secret: SECRET },
)
const login = await app(req('/login'))
const res = await app(req('/add', live(login)))
let got
await withSession(
  (_r, s) => {
    got = s.get('cart')
    return new Response('')
  },
  { secret: SECRET },
)(req('/', live(res) || live(login)))
verdict(
  res.headers.getSetCookie().length === 0,
  'in-place change after a failed save() is never written',
  `Set-Cookie lines: ${res.headers.getSetCookie().length}; the browser keeps cart = ${JSON.stringify(got)} (expected ["a","b"])`,
)
