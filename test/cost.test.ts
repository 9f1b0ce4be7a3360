// Deterministic costs, asserted exactly (timings belong to `npm run bench`, never to tests):
// crypto.subtle calls per request through the Hono middleware, with and without the token cache,
// and cookie bytes for the benchmark's fixture sessions.
import { Hono } from 'hono'
import { TokenCache } from 'sealed-session'
import { type SessionEnv, session } from 'sealed-session/hono'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { countRandomDraws, countSubtle } from './helpers.ts'

const fresh = (): string => `cost-${crypto.randomUUID()}-0123456789abcdef`

/** The benchmark's request app: `/inc` reads and increments a counter, `/read` only reads it. */
function app(options: Parameters<typeof session>[0]) {
  const hono = new Hono<SessionEnv<Record<string, unknown>>>()
  hono.use(session(options))
  hono.get('/set', (c) => {
    c.var.session.replace(JSON.parse(c.req.query('data') ?? '{}'))
    return c.text('ok')
  })
  hono.get('/read', (c) => c.text(String(c.var.session.get('count') ?? 0)))
  hono.get('/inc', (c) => {
    const count = ((c.var.session.get('count') as number | undefined) ?? 0) + 1
    c.var.session.set('count', count)
    return c.text(String(count))
  })
  return async (path: string, cookie?: string) => {
    const res = await hono.fetch(
      new Request(`http://localhost${path}`, { headers: cookie ? { cookie } : {} }),
    )
    return { writes: res.headers.getSetCookie().length, cookie: res.headers.getSetCookie()[0]?.split(';')[0] }
  }
}

/** crypto.subtle calls for one request. */
async function calls(run: () => Promise<unknown>): Promise<number> {
  return (await countSubtle(run)).total
}

describe('cost', () => {
  test('Hono middleware: new 1, unchanged 1, changed 2, rotated 2 subtle calls; unchanged is not re-sealed', async () => {
    const secret = fresh()
    const fetch = app({ secret })
    await fetch('/read') // keys derived once, before counting
    let cookie: string | undefined
    equal(await calls(async () => ({ cookie } = await fetch('/inc'))), 1, 'new: no read, one seal')
    let writes = -1
    equal(await calls(async () => ({ writes } = await fetch('/read', cookie))), 1, 'unchanged: one open')
    equal(writes, 0, 'an unchanged session writes no cookie')
    equal(await calls(() => fetch('/inc', cookie)), 2, 'changed: open + seal')
    const newer = fresh()
    const rotatedApp = app({ secret: [newer, secret] })
    await rotatedApp('/read')
    equal(
      await calls(async () => ({ writes } = await rotatedApp('/read', cookie))),
      2,
      'rotated: open + re-seal',
    )
    equal(writes, 1)
  })

  test('with a TokenCache: unchanged 0, changed 1 (the seal), new 1', async () => {
    const fetch = app({ secret: fresh(), tokenCache: new TokenCache() })
    await fetch('/read')
    let cookie: string | undefined
    equal(await calls(async () => ({ cookie } = await fetch('/inc'))), 1)
    equal(await calls(() => fetch('/read', cookie)), 0)
    equal(await calls(async () => ({ cookie } = await fetch('/inc', cookie))), 1)
    equal(await calls(() => fetch('/inc', cookie)), 1)
  })

  test('logins draw ids and IVs in batches: 100 logins, at most 6 random calls; the id read later is the one sealed', async () => {
    const { createSessionStore } = await import('sealed-session')
    const store = createSessionStore<{ n?: number }>({ secret: fresh() })
    await store.commit(await store.load(null)) // keys derived once, before counting
    let session: Awaited<ReturnType<typeof store.load>> | undefined
    let cookie = ''
    const draws = await countRandomDraws(async () => {
      for (let i = 0; i < 100; i++) {
        session = await store.load(null)
        session.set('n', 1)
        cookie = (await store.commit(session)).setCookie[0]!.split(';')[0]!
      }
    })
    // 24 bytes a login (a 12-byte id, a 12-byte IV) from batches of 480: 5 batches, 6 if one was
    // partly used before.
    ok(draws <= 6, `100 logins made ${draws} getRandomValues calls`)
    const id = session!.id
    equal((await store.load(cookie)).id, id, 'the id read after the commit is the sealed one')
    const early = await store.load(null)
    const before = early.id
    early.set('n', 2)
    const again = (await store.commit(early)).setCookie[0]!.split(';')[0]!
    equal((await store.load(again)).id, before, 'an id read before the commit is the one sealed')
    early.regenerate()
    ok(early.id !== before, 'regenerate() gives a new id')
  })

  test('key setup: one import and two derivations per secret, every secret at once, shared by concurrent first requests', async () => {
    const { createSessionStore } = await import('sealed-session')
    const store = createSessionStore({ secret: [fresh(), fresh(), fresh()] })
    const { order } = await countSubtle(() => Promise.all(Array.from({ length: 10 }, () => store.load(null))))
    // All three imports are issued before any derivation: no secret waits for another's keys.
    deepEqual(order.slice(0, 3), ['importKey', 'importKey', 'importKey'])
    deepEqual(
      [...order.slice(3)].sort(),
      ['deriveBits', 'deriveBits', 'deriveBits', 'deriveKey', 'deriveKey', 'deriveKey'],
      'ten concurrent first requests share one derivation',
    )
  })

  test('cookie bytes: name=value for the benchmark fixtures is 8 + 7 + ceil(4/3 (53 + JSON bytes))', async () => {
    const small = { user: 'ada@example.com', role: 'admin', count: 123456 }
    equal(JSON.stringify(small).length, 56)
    const sizes: number[] = []
    for (const mode of ['encrypted', 'signed'] as const) {
      const fetch = app({ secret: fresh(), mode })
      for (const bytes of [56, 1024, 3000]) {
        // `,"pad":"` and `"` add 9 bytes to the 56.
        const data = bytes === 56 ? small : { ...small, pad: 'p'.repeat(bytes - 65) }
        equal(JSON.stringify(data).length, bytes)
        const { cookie } = await fetch(`/set?data=${encodeURIComponent(JSON.stringify(data))}`)
        sizes.push(cookie!.length)
      }
    }
    // Encrypted: iv 12 + meta 25 + tag 16 = 53 bytes around the data. Signed: the data, meta and
    // HMAC encoded separately: 8 + 7 + ceil(4/3 n) + 1 + 34 + 1 + 43.
    const expected = (mode: string, n: number) =>
      mode === 'encrypted'
        ? 8 + 7 + Math.ceil((4 * (53 + n)) / 3)
        : 8 + 7 + Math.ceil((4 * n) / 3) + 1 + 34 + 1 + 43
    deepEqual(sizes, [
      ...[56, 1024, 3000].map((n) => expected('encrypted', n)),
      ...[56, 1024, 3000].map((n) => expected('signed', n)),
    ])
    deepEqual(sizes, [161, 1451, 4086, 169, 1460, 4094])
  })
})
