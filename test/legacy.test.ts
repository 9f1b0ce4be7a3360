// The legacy readers on every runtime, against cookies the real libraries made (frozen in
// legacy-vectors.json by test/legacy-real.mjs, which also re-checks them against the libraries
// on Node): each opens with that library's checks and comes back re-sealed as ours, with the old
// cookies expired; whatever that library would refuse is "no session" with a stable reason.
import { createSessionStore, type InvalidReason, type SessionOptions } from 'sealed-session'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { iron } from 'sealed-session/legacy/iron'
import { reactRouter } from 'sealed-session/legacy/react-router'
import { memoryStore, revocation } from 'sealed-session/revocation'
import { deepEqual, describe, equal, match, ok, test, throws } from './harness.ts'
import { cookieValue, countSubtle, SECRET } from './helpers.ts'
import vectors from './legacy-vectors.json' with { type: 'json' }

const { cookieSession: cs, iron: fe, reactRouter: rr } = vectors
const MADE = fe.madeAt

/** A store with the three readers, the clock at `now`, and the reasons it reported. */
function setup(now = MADE, options: Partial<SessionOptions> = {}) {
  const reasons: InvalidReason[] = []
  const store = createSessionStore({
    secret: SECRET,
    now: () => now,
    onInvalid: (reason) => void reasons.push(reason),
    legacy: [
      cookieSession({ name: cs.name, keys: cs.keys }),
      iron({ cookieName: fe.cookieName, password: fe.password }),
      reactRouter({ name: rr.name, secrets: rr.secrets }),
    ],
    ...options,
  })
  return { store, reasons }
}

/** Loads `cookie`, expecting no session and `reason`. */
async function refused(cookie: string, reason: InvalidReason, now = MADE): Promise<void> {
  const { store, reasons } = setup(now)
  const session = await store.load(cookie)
  ok(session.isNew, 'a new session')
  deepEqual(session.data, {})
  deepEqual((await store.commit(session)).setCookie, [])
  await Promise.resolve()
  deepEqual(reasons, [reason])
}

/** `Set-Cookie` values deleting cookies, by name. */
const expired = (setCookies: readonly string[]) =>
  setCookies.filter((c) => c.includes('Max-Age=0')).map((c) => c.slice(0, c.indexOf('=')))

describe('legacy', () => {
  for (const [lib, cookie, data, gone] of [
    ['cookie-session', cs.cookie, cs.data, ['session.sig']],
    ['cookie-session (a key later in the list)', cs.rotated, cs.data, ['session.sig']],
    ['iron-session', fe.cookie, fe.data, ['app']],
    ['iron-session (an older password id)', fe.rotated, fe.data, ['app']],
    ['iron-session (no expiry, ttl 0)', fe.forever, fe.data, ['app']],
    ['react-router', rr.cookie, rr.data, ['__session']],
    ['react-router (a secret later in the list)', rr.rotated, rr.data, ['__session']],
  ] as const) {
    test(`${lib}: the cookie opens, not new and unchanged, and is re-sealed as ours, the old one expired`, async () => {
      const { store, reasons } = setup()
      const session = await store.load(cookie)
      equal(session.isNew, false)
      equal(session.isChanged, false)
      deepEqual(session.data, data)
      const setCookies = (await store.commit(session)).setCookie
      deepEqual(expired(setCookies), gone)
      const ours = setCookies.find((c) => c.startsWith('session=') && !c.includes('Max-Age=0'))
      ok(ours, 'our cookie is written')
      const again = await store.load(`session=${cookieValue(ours)}`)
      deepEqual(again.data, data)
      deepEqual((await store.commit(again)).setCookie, [], 'nothing to write on the next request')
      deepEqual(reasons, [])
    })
  }

  test('react-router: flash messages carry over, read once through flash()', async () => {
    const { store } = setup()
    const session = await store.load(rr.cookie)
    equal(session.has('__flash_notice__' as never), false)
    equal(session.flash('notice'), rr.flash.notice)
    equal(session.flash('notice'), undefined)
  })

  test('iron-session: a seal split over name.0, name.1 opens (with chunking on), every chunk expired', async () => {
    const { chunking } = await import('sealed-session/chunks')
    const { store } = setup(MADE, { chunks: chunking(4) })
    const session = await store.load(fe.chunked)
    deepEqual(session.data, fe.bigData)
    deepEqual(expired((await store.commit(session)).setCookie), ['app.0', 'app.1'])
  })

  test('a clock that gives no usable time opens no old cookie, as it opens none of ours', async () => {
    const clocks: [string, unknown][] = [
      ['NaN', Number.NaN],
      ['a BigInt', 10n ** 18n],
      ['a Date', new Date(MADE)],
      ['a negative time', -1],
      ['past 48 bits', 2 ** 48],
    ]
    for (const [what, reading] of clocks) {
      for (const cookie of [cs.cookie, fe.cookie, fe.forever, rr.cookie]) {
        const { store, reasons } = setup(MADE, { now: (() => reading) as () => number })
        const session = await store.load(cookie)
        ok(session.isNew, `${what}: ${cookie.slice(0, 12)}… opened ${JSON.stringify(session.data)}`)
        deepEqual((await store.commit(session)).setCookie, [])
        await Promise.resolve()
        deepEqual(reasons, ['legacy-expired'], what)
      }
    }
  })

  test('cookie-session: a Keygrip with sha256 is read with algorithm: sha256, not with the default', async () => {
    const store = createSessionStore({
      secret: SECRET,
      legacy: [cookieSession({ keys: cs.keys, algorithm: 'sha256' })],
    })
    deepEqual((await store.load(cs.sha256)).data, cs.data)
    await refused(cs.sha256, 'legacy-tampered')
  })

  describe('refused as the old library refuses them', () => {
    /** The cookie with one character of `name`'s value changed, well inside the value. */
    const tamper = (cookie: string, name: string) =>
      cookie.replace(new RegExp(`(^|; )(${name.replace('.', '\\.')}=.{12})(.)`), (_m, a, b, c) => {
        return `${a}${b}${c === 'A' ? 'B' : 'A'}`
      })

    test('cookie-session: a changed value or signature', async () => {
      await refused(tamper(cs.cookie, 'session'), 'legacy-tampered')
      await refused(tamper(cs.cookie, 'session.sig'), 'legacy-tampered')
    })
    test('cookie-session: no .sig cookie', async () => {
      await refused(cs.cookie.split('; ')[0]!, 'legacy-malformed')
    })
    test('cookie-session: signed with a key not in the list', async () => {
      const { store, reasons } = setup()
      const other = createSessionStore({ secret: SECRET, legacy: [cookieSession({ keys: ['unrelated'] })] })
      ok((await other.load(cs.cookie)).isNew)
      ok(!(await store.load(cs.cookie)).isNew)
      deepEqual(reasons, [])
    })
    test('iron-session: a changed encrypted part, iv or MAC', async () => {
      const parts = fe.cookie.split('*')
      for (const i of [3, 4, 7]) {
        const changed = [...parts]
        changed[i] = `${changed[i]!.slice(0, 5)}${changed[i]![5] === 'A' ? 'B' : 'A'}${changed[i]!.slice(6)}`
        await refused(changed.join('*'), 'legacy-tampered')
      }
    })
    test('iron-session: a later expiry written into the seal', async () => {
      await refused(
        fe.cookie.replace(/\*(\d{13})\*/, (_m, t) => `*${Number(t) + 1}*`),
        'legacy-tampered',
      )
    })
    test("iron-session: past the seal's expiry plus iron's 60 s skew, and not before", async () => {
      const expiry = Number(/\*(\d{13})\*/.exec(fe.cookie)![1])
      await refused(fe.cookie, 'legacy-expired', expiry + 60_000)
      const { store } = setup(expiry + 59_999)
      ok(!(await store.load(fe.cookie)).isNew)
    })
    test('iron-session: a password id that is not configured', async () => {
      await refused(fe.cookie.replace('Fe26.2*2*', 'Fe26.2*3*'), 'legacy-tampered')
      const { store } = setup(MADE)
      const onlyNew = createSessionStore({
        secret: SECRET,
        now: () => MADE,
        legacy: [iron({ cookieName: 'app', password: { 2: fe.password['2'] } })],
      })
      ok((await onlyNew.load(fe.rotated)).isNew)
      ok(!(await store.load(fe.rotated)).isNew)
    })
    test('iron-session: not an Fe26.2 seal', async () => {
      await refused(fe.cookie.replace('Fe26.2', 'Fe26.1'), 'legacy-malformed')
      await refused('app=Fe26.2*2*a*b', 'legacy-malformed')
    })
    test('react-router: a changed value or signature, or no signature', async () => {
      await refused(tamper(rr.cookie, '__session'), 'legacy-tampered')
      await refused(rr.cookie.replace(/\.([^.]{6})/, '.AAAAAA'), 'legacy-tampered')
      await refused(rr.cookie.slice(0, rr.cookie.lastIndexOf('.')), 'legacy-malformed')
    })
    test('react-router: signed with a secret not in the list', async () => {
      const other = createSessionStore({ secret: SECRET, legacy: [reactRouter({ secrets: ['unrelated'] })] })
      ok((await other.load(rr.cookie)).isNew)
    })
  })

  test('a valid session of ours wins: legacy cookies beside it are not read', async () => {
    const { store } = setup()
    const first = await store.load(fe.cookie)
    const ours = (await store.commit(first)).setCookie.find((c) => !c.includes('Max-Age=0'))!
    const session = await store.load(`${ours.split(';')[0]}; ${rr.cookie}`)
    deepEqual(session.data, fe.data)
    deepEqual((await store.commit(session)).setCookie, [])
  })

  test('destroy() expires the old cookies too, or the next request would open them again', async () => {
    const { store } = setup()
    const session = await store.load(fe.cookie)
    session.destroy()
    deepEqual(expired((await store.commit(session)).setCookie), ['app'])
  })

  test('the upgrade deletes the old cookies at each path the request lies under, as logout does', async () => {
    // The old app may have set its cookie on a longer path than the reader was told: left there,
    // hidden behind ours, it would open the old session again once ours is gone.
    for (const [cookie, names] of [
      [cs.cookie, ['session.sig']],
      [fe.cookie, ['app']],
      [rr.cookie, ['__session']],
    ] as const) {
      const { store } = setup()
      const at = new Request('http://localhost/app/home', { headers: { cookie } })
      const lines = (await store.commit(await store.load(at))).setCookie
      for (const name of names) {
        for (const path of ['/', '/app', '/app/home']) {
          ok(
            lines.some((l) => l.startsWith(`${name}=; Max-Age=0; Path=${path};`)),
            `${name} deleted at ${path}: ${lines}`,
          )
        }
      }
      equal(new Set(lines).size, lines.length, 'no deletion twice')
    }
    // cookie-session's cookie under our own name: deleted on the longer paths, never on ours.
    const { store } = setup()
    const at = new Request('http://localhost/app/home', { headers: { cookie: cs.cookie } })
    const lines = (await store.commit(await store.load(at))).setCookie
    ok(lines.some((l) => l.startsWith('session=; Max-Age=0; Path=/app;')))
    ok(!lines.some((l) => l.startsWith('session=; Max-Age=0; Path=/;')))
    ok(
      lines.some((l) => /^session=e2[^;]+; Max-Age=[1-9]/.test(l)),
      'ours written',
    )
  })

  test('a legacy cookie under our own name is replaced by our write, never expired after it', async () => {
    const { store } = setup()
    const setCookies = (await store.commit(await store.load(cs.cookie))).setCookie
    equal(setCookies.filter((c) => c.startsWith('session=')).length, 1)
    match(setCookies[0]!, /^session=e2/)
  })

  test('the upgrade is an implicit write: not attached to a response the app made public', async () => {
    const { store } = setup()
    const cached = new Response('hi', { headers: { 'cache-control': 'public, max-age=60' } })
    const res = await store.apply(await store.load(rr.cookie), cached)
    deepEqual(res.headers.getSetCookie(), [])
    const changed = await store.load(rr.cookie)
    changed.set('user', 'grace')
    const res2 = await store.apply(changed, new Response('hi', { headers: { 'cache-control': 'public' } }))
    ok(res2.headers.getSetCookie().length > 1)
    equal(res2.headers.get('cache-control'), 'private')
  })

  describe('with the other features', () => {
    /** A store reading cookie-session's cookie, with revocation by the `user` it carries. */
    const revocable = () => {
      const revoker = revocation({
        store: memoryStore(),
        subject: (s) => s.get('user') as string | undefined,
      })
      const legacy = [cookieSession({ keys: cs.keys })]
      return { revoker, store: createSessionStore({ secret: SECRET, revocation: revoker, legacy }) }
    }

    test('an old cookie passes revocation like ours: after revokeSubject it opens nothing, and verify() says revoked', async () => {
      const { revoker, store } = revocable()
      const before = await store.load(cs.cookie)
      equal(before.get('user'), 'ada', 'opens before the revocation')
      await revoker.revokeSubject('ada')
      equal(
        await revoker.verify(before),
        'revoked',
        'its issue time is unknown: any revocation of its subject covers it',
      )
      ok((await store.load(cs.cookie)).isNew, 'and the next request with the old cookie gets no session')
    })

    test('revoking the session an old cookie opened holds against the next request with that cookie', async () => {
      const { revoker, store } = revocable()
      const first = await store.load(cs.cookie)
      await revoker.revoke(first)
      ok((await store.load(cs.cookie)).isNew)
    })

    test('revoking the session an old cookie was upgraded to, later, regenerated or not, holds against that cookie', async () => {
      for (const regenerate of [false, true]) {
        const { revoker, store } = revocable()
        const upgraded = await store.load(cs.cookie)
        if (regenerate) upgraded.regenerate()
        const ours = (await store.commit(upgraded)).setCookie.find((c) => c.startsWith('session=e'))!
        const session = await store.load(ours.split(';')[0]!)
        equal(session.get('user'), 'ada')
        await revoker.revoke(session)
        ok((await store.load(cs.cookie)).isNew, `the old cookie (regenerate: ${regenerate})`)
        ok((await revocable().store.load(cs.cookie)).isNew === false, 'a fresh store has no such revocation')
      }
    })

    test('each session an old cookie opens has a random id: the same old cookie in two browsers is two sessions', async () => {
      const { revoker, store } = revocable()
      const [a, b] = [await store.load(cs.cookie), await store.load(cs.cookie)]
      ok(a.id !== b.id, 'two ids')
      match(a.id, /^[\w-]{16}$/)
      const upgraded = async (session: typeof a) => {
        const line = (await store.commit(session)).setCookie.find((c) => c.startsWith('session=e'))!
        return store.load(line.split(';')[0]!)
      }
      const [ua, ub] = [await upgraded(a), await upgraded(b)]
      equal(ua.id, a.id, 'each keeps its own id once upgraded')
      equal(ub.id, b.id)
      // Revoking one ends it and the old cookie; the other browser's upgraded session is its own.
      await revoker.revoke(ua)
      ok((await store.load(cs.cookie)).isNew, 'the old cookie')
      ok((await upgraded(a)).isNew, 'the revoked session')
      equal((await upgraded(b)).get('user'), 'ada', "the other browser's session")
      // revokeSubject() ends every session of its subject, however it came (past the clock skew).
      await revoker.revokeSubject('ada', { before: Date.now() + 120_000 })
      ok((await upgraded(b)).isNew)
    })

    test('logout deletes an old cookie on another path that was never read, so it cannot reopen the session', async () => {
      const store = createSessionStore({
        secret: SECRET,
        legacy: [cookieSession({ keys: cs.keys, path: '/app' })],
      })
      const login = await store.load(null)
      login.set('user', 'ada')
      const ours = (await store.commit(login)).setCookie[0]!.split(';')[0]!
      // The browser sends both `session` cookies (ours on /, the old one on /app) and `session.sig`.
      const session = await store.load(`${ours}; ${cs.cookie}`)
      equal(session.get('user'), 'ada', 'ours opened; the old one was not read')
      session.destroy()
      session.flash('notice', 'bye')
      const lines = (await store.commit(session)).setCookie
      ok(
        lines.some((l) => /^session=; Max-Age=0; Path=\/app;/.test(l)),
        `old session on /app deleted: ${lines}`,
      )
      ok(
        lines.some((l) => /^session\.sig=; Max-Age=0; Path=\/app;/.test(l)),
        'its signature too',
      )
      ok(
        lines.some((l) => /^session=[^;]+; Max-Age=[1-9]/.test(l)),
        'and the new session (the flash) written on /',
      )
    })

    test("iron-session's chunk names never delete chunks of ours written in the same response", async () => {
      const { chunking } = await import('sealed-session/chunks')
      const store = createSessionStore({
        secret: SECRET,
        cookie: { name: fe.cookieName },
        chunks: chunking(4),
        legacy: [iron({ cookieName: fe.cookieName, password: fe.password })],
        now: () => MADE,
      })
      const session = await store.load(fe.chunked)
      session.set('pad', 'x'.repeat(6000))
      const lines = (await store.commit(session)).setCookie
      const written = lines.filter((l) => !l.includes('Max-Age=0')).map((l) => l.slice(0, l.indexOf('=')))
      const deleted = expired(lines)
      ok(written.includes(`${fe.cookieName}.1`), `ours spans ${written}`)
      deepEqual(
        deleted.filter((name) => written.includes(name)),
        [],
        'nothing written is also deleted',
      )
      ok(deleted.includes(`${fe.cookieName}.0`), 'the old chunk only iron used is deleted')
    })

    test('an old cookie longer than a browser keeps reaches no crypto', async () => {
      const store = createSessionStore({ secret: SECRET, legacy: [cookieSession({ keys: cs.keys })] })
      await store.load(null)
      const huge = cs.cookie.replace('session=', `session=${'A'.repeat(5000)}`)
      const counts = await countSubtle(() => store.load(huge))
      equal(counts.total, 0)
    })
  })

  test('keys given as bytes are copied at setup: wiping the buffer afterwards changes nothing', async () => {
    // As a Node Buffer does, slice() shares the memory: only a copy survives the wipe.
    class Shared extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end) as Uint8Array<ArrayBuffer>
      }
    }
    const csKeys = cs.keys.map((k) => new Shared(new TextEncoder().encode(k)))
    const rrSecrets = rr.secrets.map((k) => new TextEncoder().encode(k))
    const store = createSessionStore({
      secret: SECRET,
      legacy: [
        cookieSession({ name: cs.name, keys: csKeys }),
        // Typed as strings; bytes are taken at run time, as cookieSession takes them.
        reactRouter({ name: rr.name, secrets: rrSecrets as unknown as string[] }),
      ],
    })
    for (const key of [...csKeys, ...rrSecrets]) key.fill(0)
    deepEqual((await store.load(cs.cookie)).data, cs.data, 'cookie-session still verifies with the key')
    deepEqual((await store.load(rr.cookie)).data, rr.data, 'react-router too')
    // And a cookie signed with the all-zero key the wiped buffer now holds opens nothing.
    const value = btoa(JSON.stringify({ user: 'admin' }))
    const zero = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(csKeys[0]!.length),
      { name: 'HMAC', hash: 'SHA-1' },
      false,
      ['sign'],
    )
    const mac = new Uint8Array(
      await crypto.subtle.sign('HMAC', zero, new TextEncoder().encode(`${cs.name}=${value}`)),
    )
    const sig = btoa(String.fromCharCode(...mac))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
    ok((await store.load(`${cs.name}=${value}; ${cs.name}.sig=${sig}`)).isNew, 'a forgery does not open')
  })

  test('setup refuses readers without keys, and anything that is not a reader', () => {
    throws(() => cookieSession({ keys: [] }), 'ERR_SECRET_INVALID')
    throws(() => reactRouter({ secrets: [] }), 'ERR_SECRET_INVALID')
    throws(() => iron({ cookieName: 'app', password: 'short' }), 'ERR_SECRET_INVALID')
    throws(() => iron({ cookieName: 'app', password: { x: 'p'.repeat(32) } }), 'ERR_SECRET_INVALID')
    throws(() => iron({ cookieName: 'a;b', password: 'p'.repeat(32) }), 'ERR_COOKIE_OPTION')
    throws(() => cookieSession({ keys: ['k'], algorithm: 'md5' as 'sha1' }), 'ERR_OPTION_INVALID')
    throws(() => createSessionStore({ secret: SECRET, legacy: [{} as never] }), 'ERR_OPTION_INVALID')
  })
})
