// The verified-token cache: a hit skips exactly the decrypt/verify and nothing else. Every test
// uses its own secret, so keyrings (and what they verified) never leak between tests.
import { type InvalidReason, type SessionOptions, TokenCache } from 'sealed-session'
import { deepEqual, describe, env, equal, notEqual, ok, test, throws } from './harness.ts'
import { clock, counter, countSubtle, reader, send, T0, UNPRINTABLE, wrap } from './helpers.ts'

const secret = (): string => `cache-${crypto.randomUUID()}-0123456789abcdef`
const MINUTE = 60_000

/**
 * The heap in use after a full garbage collection, where the runtime offers both: Node (`gc`,
 * exposed at run time if no flag did), Deno (`--v8-flags=--expose-gc`, test/run.mjs) and Bun.
 * workerd has neither; undefined there and wherever they are missing.
 */
async function heapProbe(): Promise<(() => number) | undefined> {
  type Usage = { memoryUsage?: () => { heapUsed: number } }
  const g = globalThis as {
    gc?: () => void
    process?: Usage
    Deno?: Usage
    Bun?: { gc(full: boolean): void }
  }
  let gc: (() => void) | undefined
  let usage = g.process?.memoryUsage
  if (env.runtime.startsWith('bun ')) gc = g.Bun && (() => g.Bun!.gc(true))
  else if (env.runtime.startsWith('deno ')) {
    gc = g.gc
    usage = g.Deno?.memoryUsage
  } else if (env.runtime.startsWith('node ')) {
    gc = g.gc
    if (gc === undefined) {
      // Variables, so that only Node resolves these (the suite is bundled for every runtime).
      const [v8, vm] = ['node:v8', 'node:vm']
      ;(await import(v8)).setFlagsFromString('--expose-gc')
      gc = (await import(vm)).runInNewContext('gc') as () => void
    }
  }
  if (gc === undefined || usage === undefined) return undefined
  return () => {
    gc!()
    gc!()
    return usage!().heapUsed
  }
}

function reasons(): { list: InvalidReason[]; onInvalid: (reason: InvalidReason) => void } {
  const list: InvalidReason[] = []
  return { list, onInvalid: (reason) => list.push(reason) }
}

describe('token cache', () => {
  test('off by default: the same cookie is decrypted on every request', async () => {
    const options = { secret: secret() }
    const { cookie } = await send(counter(options))
    for (let i = 0; i < 2; i++) {
      const counts = await countSubtle(() => send(reader(options), cookie))
      equal(counts.decrypt, 1)
    }
  })

  test('a cookie this process sealed opens without crypto; changing it costs one seal', async () => {
    const tokenCache = new TokenCache()
    const options = { secret: secret(), tokenCache }
    await send(reader(options)) // keys derived before counting
    let cookie: string | undefined
    const fresh = await countSubtle(async () => ({ cookie } = await send(counter(options))))
    equal(fresh.total, 1, 'new session: one seal')
    const read = await countSubtle(() => send(reader(options), cookie))
    equal(read.total, 0, 'unchanged: no crypto at all')
    let next: string | undefined
    const changed = await countSubtle(async () => {
      const sent = await send(counter(options), cookie)
      equal(sent.body, '2')
      next = sent.cookie
    })
    deepEqual([changed.decrypt, changed.encrypt], [0, 1], 'changed: the seal only')
    equal((await send(counter(options), next)).body, '3')
    deepEqual([tokenCache.hits, tokenCache.misses], [3, 0])
  })

  test('a cookie sealed elsewhere is decrypted once, then remembered', async () => {
    const s = secret()
    const { cookie } = await send(counter({ secret: s }))
    const tokenCache = new TokenCache()
    const first = await countSubtle(() => send(reader({ secret: s, tokenCache }), cookie))
    const second = await countSubtle(() => send(reader({ secret: s, tokenCache }), cookie))
    deepEqual([first.decrypt, second.decrypt], [1, 0])
    deepEqual([tokenCache.hits, tokenCache.misses], [1, 1])
    equal(JSON.parse((await send(reader({ secret: s, tokenCache }), cookie)).body).data.count, 1)
  })

  test('signed mode: a hit skips the HMAC verify', async () => {
    const options: Partial<SessionOptions> = {
      secret: secret(),
      mode: 'signed',
      tokenCache: new TokenCache(),
    }
    const { cookie } = await send(counter(options))
    const counts = await countSubtle(() => send(reader(options), cookie))
    deepEqual([counts.verify, counts.total], [0, 0])
  })

  test('lifetimes are checked on every hit: idle, absolute and a token from the future', async () => {
    const c = clock()
    const r = reasons()
    const options = {
      secret: secret(),
      tokenCache: new TokenCache(),
      now: c.now,
      idleTimeout: 10 * 60,
      maxAge: 60 * 60,
      renewThreshold: 0,
      onInvalid: r.onInvalid,
    }
    const { cookie } = await send(counter(options))
    c.advance(9 * MINUTE)
    equal(
      JSON.parse((await send(reader(options), cookie)).body).isNew,
      false,
      'a hit within the idle timeout',
    )
    c.advance(2 * MINUTE)
    const idle = await countSubtle(async () => {
      equal(JSON.parse((await send(reader(options), cookie)).body).isNew, true, 'idle on a hit')
    })
    equal(idle.total, 0, 'refused from the cache, not by decrypting again')

    // Kept alive by writes every 9 minutes, the session still ends an hour after it began.
    c.set(T0)
    let live = cookie
    for (let t = 9; t < 60; t += 9) {
      c.set(T0 + t * MINUTE)
      live = (await send(counter(options), live)).cookie
    }
    c.set(T0 + 61 * MINUTE)
    equal(JSON.parse((await send(reader(options), live)).body).isNew, true, 'expired on a hit')

    // A token sealed by a clock running ahead is refused by this one beyond the allowed skew.
    c.set(T0 + 24 * 60 * MINUTE)
    const ahead = (await send(counter(options))).cookie
    c.set(T0 + 24 * 60 * MINUTE - 2 * MINUTE)
    equal(JSON.parse((await send(reader(options), ahead)).body).isNew, true, 'from the future on a hit')
    deepEqual(r.list, ['idle', 'expired', 'payload'])
  })

  test('a removed key misses: the cached token is refused as unknown-key', async () => {
    const tokenCache = new TokenCache()
    const old = secret()
    const newer = secret()
    const r = reasons()
    const { cookie } = await send(counter({ secret: old, tokenCache }))
    // Rotation: the new key set is a new keyring, so the token is verified afresh and re-sealed.
    const rotated = await countSubtle(() => send(reader({ secret: [newer, old], tokenCache }), cookie))
    deepEqual([rotated.decrypt, rotated.encrypt], [1, 1])
    await send(reader({ secret: newer, tokenCache })) // keys derived before counting
    const removed = await countSubtle(async () => {
      const body = JSON.parse(
        (await send(reader({ secret: newer, tokenCache, onInvalid: r.onInvalid }), cookie)).body,
      )
      equal(body.isNew, true)
    })
    equal(removed.total, 0, 'refused before any crypto')
    deepEqual(r.list, ['unknown-key'])
  })

  test('only the exact token under the exact cookie name hits', async () => {
    const tokenCache = new TokenCache()
    const s = secret()
    const r = reasons()
    const { cookie } = await send(counter({ secret: s, tokenCache }))
    const value = cookie!.slice(cookie!.indexOf('=') + 1)
    // Another name: the additional data differs, so it must be decrypted, and fails.
    const renamed = await countSubtle(async () => {
      const options = { secret: s, tokenCache, cookie: { name: 'other' }, onInvalid: r.onInvalid }
      equal(JSON.parse((await send(reader(options), `other=${value}`)).body).isNew, true)
    })
    equal(renamed.decrypt, 1)
    // One character changed at the end: a miss, then tampered.
    const last = value.at(-1) === 'A' ? 'Q' : 'A'
    const changed = await countSubtle(async () => {
      const options = { secret: s, tokenCache, onInvalid: r.onInvalid }
      equal(
        JSON.parse((await send(reader(options), `session=${value.slice(0, -1)}${last}`)).body).isNew,
        true,
      )
    })
    equal(changed.decrypt, 1)
    deepEqual(r.list, ['tampered', 'tampered'])
    equal(tokenCache.size.entries, 1, 'failures are not remembered')
  })

  test('no shared state: each hit parses fresh objects, in-place changes stay in their request', async () => {
    const tokenCache = new TokenCache()
    const options = { secret: secret(), tokenCache }
    const login = wrap<{ prefs: { theme: string } }>((_r, s) => {
      s.set('prefs', { theme: 'dark' })
      return new Response('ok')
    }, options)
    const { cookie } = await send(login)
    const seen: object[] = []
    const mutate = wrap<{ prefs: { theme: string } }>((_r, s) => {
      const prefs = s.get('prefs')!
      seen.push(prefs)
      const before = prefs.theme
      prefs.theme = 'light'
      return new Response(before)
    }, options)
    equal((await send(mutate, cookie)).body, 'dark')
    equal((await send(mutate, cookie)).body, 'dark', 'the first request changed only its own copy')
    notEqual(seen[0], seen[1])
    deepEqual(JSON.parse((await send(reader(options), cookie)).body).data, { prefs: { theme: 'dark' } })
    equal(tokenCache.misses, 0, 'all of it from the cache')
  })

  test('session id and lifetime survive a hit unchanged', async () => {
    const c = clock()
    const options = { secret: secret(), tokenCache: new TokenCache(), now: c.now }
    const { cookie } = await send(counter(options))
    const ids = new Set<string>()
    for (let i = 0; i < 3; i++) ids.add(JSON.parse((await send(reader(options), cookie)).body).id)
    equal(ids.size, 1)
  })

  test('bounded by entries: the least recently used token is dropped first', async () => {
    const tokenCache = new TokenCache({ entries: 3 })
    const options = { secret: secret(), tokenCache }
    const cookies: (string | undefined)[] = []
    for (let i = 0; i < 5; i++) cookies.push((await send(counter(options))).cookie)
    equal(tokenCache.size.entries, 3)
    const oldest = await countSubtle(() => send(reader(options), cookies[0]))
    const newest = await countSubtle(() => send(reader(options), cookies[4]))
    deepEqual([oldest.decrypt, newest.decrypt], [1, 0])
  })

  test('bounded by bytes: the estimate never exceeds the cap; an entry larger than it is not kept', async () => {
    const tokenCache = new TokenCache({ bytes: 4000 })
    const options = { secret: secret(), tokenCache }
    const app = wrap((_r, s) => {
      s.set('blob', 'x'.repeat(300))
      return new Response(null)
    }, options)
    for (let i = 0; i < 10; i++) await send(app)
    const { entries, bytes } = tokenCache.size
    ok(bytes <= 4000 && bytes > 0, `bytes ${bytes}`)
    ok(entries >= 1 && entries < 10, `entries ${entries}`)
    const tiny = new TokenCache({ bytes: 100 })
    await send(counter({ secret: secret(), tokenCache: tiny }))
    deepEqual(tiny.size, { entries: 0, bytes: 0 })
  })

  test('a cached token keeps no Cookie header alive: 200 requests with 1 MiB headers (measured on Node, Deno and Bun)', async () => {
    const heap = await heapProbe()
    if (heap === undefined) {
      // workerd has no GC and no heap figure, so nothing honest to measure there.
      const why = `no full GC or heap figure on ${env.runtime}`
      if (env.ci && !env.runtime.startsWith('workerd')) throw new Error(why)
      console.log(`  [cache] retained memory not measured: ${why}`)
      return
    }
    const MiB = 1024 * 1024
    const s = secret()
    // Sealed without the cache, so the first read of each is a miss that stores its token.
    const cookies: string[] = []
    for (let i = 0; i < 200; i++) cookies.push((await send(counter({ secret: s }))).cookie!)
    const tokenCache = new TokenCache()
    const app = reader({ secret: s, tokenCache })
    // Our cookie first, then a big one: the token is a slice of a 1 MiB header.
    const big = async (cookie: string, i: number) =>
      equal(JSON.parse((await send(app, `${cookie}; big=${'x'.repeat(MiB)}${i}`)).body).isNew, false)
    const before = heap()
    for (const [i, cookie] of cookies.entries()) await big(cookie, i)
    const stored = heap() - before
    // Hits: each moves its entry to the back of the queue, looked up by a key cut from a new header.
    for (const [i, cookie] of cookies.entries()) await big(cookie, i)
    const hit = heap() - before
    deepEqual([tokenCache.size.entries, tokenCache.hits, tokenCache.misses], [200, 200, 200])
    const mib = (n: number) => (n / MiB).toFixed(1)
    console.log(
      `  [cache] heap growth with ${mib(tokenCache.size.bytes)} MiB cached: ${mib(stored)} MiB after storing, ${mib(hit)} MiB after hits`,
    )
    ok(stored < 10 * MiB, `storing retained ${mib(stored)} MiB`)
    ok(hit < 10 * MiB, `hits retained ${mib(hit)} MiB`)
  })

  test('invalid limits and values throw at setup', () => {
    for (const bad of [
      { entries: 0 },
      { entries: 1.5 },
      { bytes: -1 },
      { bytes: Number.NaN },
      ...UNPRINTABLE.map((entries) => ({ entries: entries as number })),
    ]) {
      throws(() => new TokenCache(bad), 'ERR_OPTION_INVALID')
    }
    for (const bad of [true, {}, 'yes']) {
      throws(
        () => reader({ secret: secret(), tokenCache: bad as unknown as TokenCache }),
        'ERR_OPTION_INVALID',
      )
    }
  })
})
