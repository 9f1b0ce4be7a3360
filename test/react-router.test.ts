// sealed-session/react-router: React Router's SessionStorage API mapped onto the store, without
// React Router (the adapter imports nothing from it). The real app, built and served by React
// Router's own tools, is driven by test/frameworks.mjs and the browser suite.
import { createSessionStore } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { deviceBound } from 'sealed-session/device-bound'
import { reactRouter } from 'sealed-session/legacy/react-router'
import { createCookieSessionStorage } from 'sealed-session/react-router'
import { deepEqual, describe, equal, match, notEqual, ok, rejects, test, throws } from './harness.ts'
import { SECRET } from './helpers.ts'
import vectors from './legacy-vectors.json' with { type: 'json' }

type Data = { user: string; count: number }
type Flash = { notice: string }

const storage = () => createCookieSessionStorage<Data, Flash>({ secret: SECRET })
const pair = (setCookie: string) => setCookie.split(';')[0]!

describe('react-router storage', () => {
  test('a committed session reads back through getSession from the Cookie header', async () => {
    const { getSession, commitSession } = storage()
    const session = await getSession(null)
    equal(session.sealed.isNew, true)
    session.set('user', 'ada')
    const setCookie = await commitSession(session)
    match(setCookie, /^session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    const again = await getSession(pair(setCookie))
    equal(again.get('user'), 'ada')
    equal(again.id, session.id)
    deepEqual(again.data, { user: 'ada' })
  })

  test("device binding: bind() of React Router's session asks for a registration, as of its sealed", async () => {
    for (const which of ['session', 'sealed'] as const) {
      const binding = deviceBound()
      const { getSession, commitHeaders } = createCookieSessionStorage({
        secret: SECRET,
        deviceBinding: binding,
      })
      const session = await getSession(null)
      session.sealed.regenerate()
      session.set('user', 'ada')
      binding.bind(which === 'session' ? session : session.sealed)
      const headers = await commitHeaders(session)
      match(headers.get('secure-session-registration') ?? '', /challenge=/, which)
    }
  })

  test('get() reads a flash message once; has() sees it without taking it', async () => {
    const { getSession, commitSession } = storage()
    const session = await getSession()
    session.flash('notice', 'hi')
    const next = await getSession(pair(await commitSession(session)))
    ok(next.has('notice') && next.has('notice'), 'has() took the message')
    equal(next.get('notice'), 'hi')
    equal(next.get('notice'), undefined)
    equal(next.has('notice'), false)
    const after = await getSession(pair(await commitSession(next)))
    equal(after.get('notice'), undefined)
  })

  test('commitSession gives "" for an unchanged session, and unset() removes a key', async () => {
    const { getSession, commitSession } = storage()
    const session = await getSession()
    equal(await commitSession(session), '', 'an empty new session wrote a cookie')
    session.set('user', 'ada')
    session.set('count', 1)
    const loaded = await getSession(pair(await commitSession(session)))
    equal(loaded.get('count'), 1)
    equal(loaded.has('user'), true)
    equal(await commitSession(loaded), '', 'reading wrote a cookie')
    loaded.unset('user')
    const unset = await getSession(pair(await commitSession(loaded)))
    deepEqual(unset.data, { count: 1 })
  })

  test('sealed.regenerate() changes the id; destroySession expires the cookie', async () => {
    const { getSession, commitSession, destroySession } = storage()
    const session = await getSession()
    session.set('user', 'ada')
    const loaded = await getSession(pair(await commitSession(session)))
    loaded.sealed.regenerate()
    const renewed = await getSession(pair(await commitSession(loaded)))
    notEqual(renewed.id, session.id)
    equal(renewed.get('user'), 'ada')
    match(await destroySession(renewed), /^session=; Max-Age=0/)
    equal(await destroySession(await getSession()), '', 'nothing to expire without a cookie')
  })

  test('what a client sends never makes the one-line calls throw; with legacy readers they always do', async () => {
    // Without `legacy`: a forged chunk head with a stray chunk cookie asks for two deletions; the
    // session cookie's is the one that matters (a chunk alone opens nothing).
    const { getSession, destroySession } = storage()
    const forged = await getSession('session=2~abc; session.1=def; session.2=ghi')
    match(await destroySession(forged), /^session=; Max-Age=0; Path=\/;/)
    // With `legacy`: refused whatever the request carries (no cookie, ours alone, junk under the
    // old library's names), so an app finds out on its first logout, and no client decides.
    const rr = vectors.reactRouter
    const legacy = createCookieSessionStorage<Record<string, unknown>>({
      secret: SECRET,
      legacy: [reactRouter({ name: '__old', secrets: rr.secrets })],
    })
    const ours = await legacy.getSession()
    ours.set('user', 'ada')
    const cookie = (await legacy.commitHeaders(ours)).getSetCookie()[0]!.split(';')[0]!
    // A session moved from an old cookie and written with one line would leave the old cookie
    // behind, to open again once ours expires: commitSession refuses as destroySession does.
    for (const header of [
      null,
      cookie,
      `${cookie}; __old=zz; __old.sig=zz`,
      rr.cookie.replace(/^[^=]+/, '__old'),
    ]) {
      await rejects(legacy.destroySession(await legacy.getSession(header)), 'ERR_OPTION_INVALID')
      await rejects(legacy.commitSession(await legacy.getSession(header)), 'ERR_OPTION_INVALID')
    }
  })

  test('a session from another storage, or the chunks option, is refused with a code', async () => {
    const other = await storage().getSession()
    await rejects(storage().commitSession(other), 'ERR_OPTION_INVALID')
    throws(() => createCookieSessionStorage({ secret: SECRET, chunks: chunking() }), 'ERR_OPTION_INVALID')
  })

  test('it reads and writes the same cookies as a store with the same options', async () => {
    const store = createSessionStore<Data>({ secret: SECRET })
    const s = await store.load(null)
    s.set('count', 7)
    const [written] = (await store.commit(s)).setCookie
    const session = await storage().getSession(new Headers({ cookie: pair(written!) }))
    equal(session.get('count'), 7)
  })

  test('has() changes nothing: with two messages, a read-only request commits nothing', async () => {
    const { getSession, commitSession } = createCookieSessionStorage<Data, Flash & { error: string }>({
      secret: SECRET,
    })
    const session = await getSession()
    session.flash('notice', 'hi')
    session.flash('error', 'oops')
    const next = await getSession(pair(await commitSession(session)))
    // Taking 'notice' and putting it back would move it after 'error': a new body to seal.
    ok(next.has('notice') && !next.has('user'))
    equal(next.sealed.isChanged, false, 'has() changed the session')
    equal(await commitSession(next), '', 'has() made a read-only request write a cookie')
    equal(next.get('error'), 'oops')
    equal(next.get('notice'), 'hi')
  })

  test('commitHeaders gives every Set-Cookie line and Cache-Control: private', async () => {
    const { getSession, commitSession, commitHeaders } = storage()
    const session = await getSession()
    session.set('user', 'ada')
    const headers = await commitHeaders(session)
    deepEqual(headers.getSetCookie(), [await commitSession(session)])
    equal(headers.get('cache-control'), 'private')
    const unchanged = await getSession(pair(headers.getSetCookie()[0]!))
    deepEqual([...(await commitHeaders(unchanged, { 'x-app': '1' }))], [['x-app', '1']])
  })

  test('commitHeaders leaves a renewal off a shared-cacheable response; a change makes it private', async () => {
    let now = Date.UTC(2026, 0, 1)
    const { getSession, commitSession, commitHeaders } = createCookieSessionStorage<Data>({
      secret: SECRET,
      now: () => now,
    })
    const session = await getSession()
    session.set('count', 1)
    const cookie = pair(await commitSession(session))
    now += 2 * 86_400_000 // two of the three idle days gone: a read renews the cookie
    const shared = { 'Cache-Control': 'public, s-maxage=60' }
    const read = await getSession(cookie)
    match(await commitSession(read), /^session=/) // commitSession cannot see the response's policy
    const renewal = await commitHeaders(read, shared)
    deepEqual(renewal.getSetCookie(), [])
    equal(renewal.get('cache-control'), 'public, s-maxage=60')
    const changed = await getSession(cookie)
    changed.set('count', 2)
    const write = await commitHeaders(changed, shared)
    equal(write.getSetCookie().length, 1)
    equal(write.get('cache-control'), 'private')
  })

  test('an old cookie on another path: commitHeaders carries its deletion; the one-line calls refuse to lose it', async () => {
    const rr = vectors.reactRouter
    const { getSession, commitSession, destroySession, commitHeaders } = createCookieSessionStorage<
      Record<string, unknown>
    >({
      secret: SECRET,
      cookie: { name: '__session' },
      legacy: [reactRouter({ name: '__session', secrets: rr.secrets, path: '/app' })],
    })
    const session = await getSession(rr.cookie)
    equal(session.get('user'), 'ada')
    await rejects(commitSession(session), 'ERR_OPTION_INVALID')
    const lines = (await commitHeaders(session)).getSetCookie()
    equal(lines.length, 2)
    match(lines[0]!, /^__session=[^;]+; Max-Age=\d+; Path=\/;/)
    match(lines[1]!, /^__session=; Max-Age=0; Path=\/app;/)
    const out = await getSession(rr.cookie)
    await rejects(destroySession(out), 'ERR_OPTION_INVALID')
    out.sealed.destroy()
    const gone = (await commitHeaders(out)).getSetCookie()
    deepEqual(
      gone.map((c) => c.split('; ').slice(0, 3).join('; ')),
      ['__session=; Max-Age=0; Path=/', '__session=; Max-Age=0; Path=/app'],
    )
  })
})
