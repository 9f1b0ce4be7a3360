// sealed-session/next against a cookie store shaped like Next's `await cookies()` (Next itself runs
// in test/frameworks.mjs and the browser suite; it is not installed here).
import { CookieTooLargeError, SealedSessionError } from 'sealed-session'
import {
  CookiesReadOnlyError,
  getSession,
  type NextCookieAttributes,
  proxyCookies,
} from 'sealed-session/next'
import { deepEqual, describe, equal, ok, rejects, test, throws } from './harness.ts'
import { SECRET, T0 } from './helpers.ts'

type Written = [name: string, value: string, attributes: NextCookieAttributes]

/** A cookie store holding `cookies`, recording `set()` calls; `refuse` throws as Next does in render. */
function jar(cookies: Record<string, string> = {}, refuse?: unknown) {
  const written: Written[] = []
  return {
    written,
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
    set(name: string, value: string, attributes: NextCookieAttributes) {
      if (refuse !== undefined) throw refuse
      written.push([name, value, attributes])
      return this
    },
  }
}

const options = { secret: SECRET }

describe('next adapter', () => {
  test('save() writes through set() with every attribute the store put on the Set-Cookie', async () => {
    const cookies = jar()
    const session = await getSession<{ user: string }>(cookies, {
      secret: SECRET,
      maxAge: 600,
      idleTimeout: 600,
      now: () => T0, // a fixed clock: Max-Age is whole seconds left, 599 if a millisecond passed
      cookie: { name: 'sid', domain: 'example.com', sameSite: 'None', partitioned: true, priority: 'High' },
    })
    session.set('user', 'ada')
    await session.save()
    equal(cookies.written.length, 1)
    const [[name, value, attributes]] = cookies.written as [Written]
    equal(name, 'sid')
    ok(value.length > 20 && !value.includes(';'), value)
    deepEqual(attributes, {
      maxAge: 600,
      path: '/',
      domain: 'example.com',
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partitioned: true,
      priority: 'high',
    })
  })

  test('reads the session back from getAll(); nothing is written while it is unchanged', async () => {
    const first = jar()
    const s1 = await getSession<{ count: number }>(first, options)
    s1.set('count', 1)
    await s1.save()
    const [[name, value]] = first.written as [Written]
    const second = jar({ other: 'x', [name]: value })
    const s2 = await getSession<{ count: number }>(second, options)
    equal(s2.isNew, false)
    equal(s2.get('count'), 1)
    await s2.save()
    deepEqual(second.written, [])
  })

  test('destroy() then save() expires the cookie (Max-Age=0)', async () => {
    const first = jar()
    const s1 = await getSession(first, options)
    s1.set('user', 'ada')
    await s1.save()
    const [[name, value]] = first.written as [Written]
    const second = jar({ [name]: value })
    const s2 = await getSession(second, options)
    s2.destroy()
    await s2.save()
    equal(second.written[0]?.[1], '')
    equal(second.written[0]?.[2].maxAge, 0)
  })

  test('a write Next refuses (a Server Component render) throws ERR_COOKIES_READ_ONLY naming where to write', async () => {
    const refusal = new Error('Cookies can only be modified in a Server Action or Route Handler.')
    const session = await getSession(jar({}, refusal), options)
    session.set('user', 'ada')
    const error = await rejects(session.save(), 'ERR_COOKIES_READ_ONLY')
    ok(error instanceof CookiesReadOnlyError && error instanceof SealedSessionError)
    equal(error.cause, refusal)
    ok(/Server Action/.test(error.message) && /Route Handler/.test(error.message), error.message)
  })

  test("Next's own control flow (an error with a digest) passes through untouched", async () => {
    const redirect = Object.assign(new Error('NEXT_REDIRECT'), { digest: 'NEXT_REDIRECT;push;/;307;' })
    const session = await getSession(jar({}, redirect), options)
    session.set('user', 'ada')
    equal(await rejects(session.save()), redirect)
  })

  test('an oversized session throws CookieTooLargeError from save() and sets nothing', async () => {
    const cookies = jar()
    const session = await getSession<{ note: string }>(cookies, options)
    session.set('note', 'x'.repeat(5000))
    ok((await rejects(session.save(), 'ERR_COOKIE_TOO_LARGE')) instanceof CookieTooLargeError)
    deepEqual(cookies.written, [])
  })

  test('proxyCookies reads the request and writes the response', async () => {
    const request = jar()
    const response = jar()
    const session = await getSession(proxyCookies({ cookies: request }, { cookies: response }), options)
    session.set('user', 'ada')
    await session.save()
    equal(request.written.length, 0)
    equal(response.written.length, 1)
  })

  test('proxyCookies given the response headers makes a response carrying the cookie private', async () => {
    const headers = new Headers()
    const response = jar()
    const session = await getSession(
      proxyCookies({ cookies: jar() }, { cookies: response, headers }),
      options,
    )
    session.set('user', 'ada')
    await session.save()
    equal(response.written.length, 1)
    equal(headers.get('cache-control'), 'private')
  })

  test('in the proxy, a renewal is left off a shared-cacheable response; a change makes it private', async () => {
    let now = T0
    const timed = { secret: SECRET, now: () => now }
    const first = jar()
    const s1 = await getSession<{ count: number }>(first, timed)
    s1.set('count', 1)
    await s1.save()
    const [[name, value]] = first.written as [Written]
    now += 2 * 86_400_000 // two of the three idle days gone: the next write is a renewal
    const proxy = async (change: boolean) => {
      const headers = new Headers({ 'cache-control': 'public, s-maxage=60' })
      const response = jar()
      const cookies = proxyCookies({ cookies: jar({ [name]: value }) }, { cookies: response, headers })
      const session = await getSession<{ count: number }>(cookies, timed)
      if (change) session.set('count', 2)
      await session.save()
      return { written: response.written.length, cacheControl: headers.get('cache-control') }
    }
    deepEqual(await proxy(false), { written: 0, cacheControl: 'public, s-maxage=60' })
    deepEqual(await proxy(true), { written: 1, cacheControl: 'private' })
  })

  test('in development, reading a flash message where Next cannot write cookies throws (it would repeat)', async () => {
    const writable = jar()
    const s1 = await getSession<object, { notice: string }>(writable, options)
    s1.flash('notice', 'Welcome!')
    await s1.save()
    const [[name, value]] = writable.written as [Written]
    // Next's cookies() during a Server Component's render answers every write with one function
    // that throws (RequestCookiesAdapter.seal).
    const refuse = () => {
      throw new Error('Cookies can only be modified in a Server Action or Route Handler.')
    }
    const readOnly = { getAll: () => [{ name, value }], set: refuse, delete: refuse }
    const rendering = await getSession<object, { notice: string; other: string }>(readOnly, options)
    equal(rendering.flash('other'), undefined) // no such message: nothing to repeat, no error
    const error = throws(() => rendering.flash('notice'), 'ERR_COOKIES_READ_ONLY') as Error
    ok(/flash/.test(error.message) && /proxy/.test(error.message), error.message)
    // Where cookies can be written, the message is read once, as anywhere else.
    const action = await getSession<object, { notice: string }>(jar({ [name]: value }), options)
    equal(action.flash('notice'), 'Welcome!')
    equal(action.flash('notice'), undefined)
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    if (env === undefined) return // no process.env (workerd without nodejs_compat): Next never runs there
    const before = env.NODE_ENV
    env.NODE_ENV = 'production'
    try {
      const production = await getSession<object, { notice: string }>(readOnly, options)
      equal(production.flash('notice'), 'Welcome!')
    } finally {
      if (before === undefined) delete env.NODE_ENV
      else env.NODE_ENV = before
    }
  })
})
