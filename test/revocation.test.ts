// Revocation's behaviour, on the memory store with a fake clock (every runtime): when the store is
// asked (store calls counted per request), what a failing, hanging or slow store does, the KV
// consistency window, storage lifetimes, options. Each real store runs the conformance suite in
// test/revocation-stores.test.ts.
import { createSessionStore } from 'sealed-session'
import { memoryStore, type RevocationStore, redisStore, revocation } from 'sealed-session/revocation'
import { deepEqual, describe, equal, ok, rejects, test, throws } from './harness.ts'
import { Clock, SECRET, server, unique } from './revocation-conformance.ts'

/** A store that counts its calls. */
function counted(inner: RevocationStore) {
  const calls = { get: 0, raise: [] as [string, number, number][] }
  const store: RevocationStore = {
    get(keys) {
      calls.get++
      return inner.get(keys)
    },
    raise(key, value, ttl) {
      calls.raise.push([key, value, ttl])
      return inner.raise(key, value, ttl)
    },
  }
  return { store, calls }
}

/** A store that can be made to fail (reject), throw, hang or answer slowly. */
function flaky(inner: RevocationStore) {
  let mode: 'up' | 'reject' | 'throw' | 'hang' | number = 'up'
  const store: RevocationStore = {
    get(keys) {
      if (mode === 'reject') return Promise.reject(new Error('connection refused'))
      if (mode === 'throw') throw new Error('client closed')
      if (mode === 'hang') return new Promise(() => {})
      if (typeof mode === 'number') {
        const ms = mode
        return new Promise((r) => setTimeout(() => r(inner.get(keys)), ms))
      }
      return inner.get(keys)
    },
    raise(key, value, ttl) {
      if (mode !== 'up') return Promise.reject(new Error('connection refused'))
      return inner.raise(key, value, ttl)
    },
  }
  return { store, set: (m: typeof mode) => (mode = m) }
}

/**
 * Workers KV's window, modelled: a write becomes visible to readers only `delayMs` later (KV
 * propagates in about 60 s, and caches the miss a reader saw meanwhile).
 */
function delayedVisibility(inner: RevocationStore, clock: Clock, delayMs: number): RevocationStore {
  const pending: { at: number; key: string; value: number; ttl: number }[] = []
  const flush = async () => {
    while (pending.length > 0 && pending[0]!.at <= clock.now()) {
      const { key, value, ttl } = pending.shift()!
      await inner.raise(key, value, ttl)
    }
  }
  return {
    async get(keys) {
      await flush()
      return inner.get(keys)
    },
    async raise(key, value, ttl) {
      pending.push({ at: clock.now() + delayMs, key, value, ttl })
    },
  }
}

describe('revocation', () => {
  describe('store calls', () => {
    test('read-mostly traffic: one store read per session per check interval, none between', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const srv = server(store, clock, { checkInterval: 30 })
      const cookie = await srv.login('ada')
      for (let i = 0; i < 100; i++) {
        const { setCookies } = await srv.visit(cookie)
        deepEqual(setCookies, [])
        clock.advance(100) // 100 requests over 10 s: within one interval
      }
      equal(calls.get, 1)
      clock.advance(30_000)
      await srv.visit(cookie)
      equal(calls.get, 2, 'asked again once the interval passed')
    })

    test('a write re-seals only after a store check in that request: a stolen cookie cannot outlive its revocation by writing often', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const [a, b] = [server(store, clock), server(store, clock)]
      const cookie = await a.login('ada')
      clock.advance(5 * 60_000) // past the clock-skew margin of a subject revocation
      await a.visit(cookie) // checked: trusted for 30 s
      equal(calls.get, 1)
      const write = await a.visit(cookie, (s) => s.set('count', 1))
      equal(calls.get, 2, 'the write asked the store first')
      equal(write.setCookies.length, 1)
      await b.revoker.revokeSubject('ada')
      clock.advance(1_000)
      const stolen = await a.visit(cookie, (s) => s.set('count', 2))
      equal(stolen.user, 'ada', 'the load still trusts the last check (within the interval)')
      deepEqual(stolen.setCookies, [], 'but the write found it revoked: nothing re-sealed')
      equal((await a.visit(cookie)).user, undefined, 'and the next request of it is refused')
    })

    test('one check per request: a write after the load checked asks nothing more', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const srv = server(store, clock)
      const cookie = await srv.login('ada')
      await srv.visit(cookie, (s) => s.set('count', 1))
      equal(calls.get, 1)
    })

    test('verify() asks the store whatever the interval, and sees a revocation made elsewhere', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const [a, b] = [server(store, clock), server(store, clock)]
      const cookie = await a.login('ada')
      await a.visit(cookie)
      const { session } = await a.visit(cookie)
      equal(calls.get, 1)
      equal(await a.revoker.verify(session), 'valid')
      equal(calls.get, 2)
      await b.revoker.revoke(session.id)
      equal(await a.revoker.verify(session), 'revoked')
      equal(await a.revoker.verify(await a.sessions.load(null)), 'valid', 'a new session was never issued')
    })

    test('concurrent requests of one session share one store read', async () => {
      const clock = new Clock()
      const slow = flaky(memoryStore({ now: clock.now }))
      slow.set(20)
      const { store, calls } = counted(slow.store)
      const srv = server(store, clock)
      const cookie = await srv.login('ada')
      const users = await Promise.all(Array.from({ length: 10 }, () => srv.visit(cookie)))
      equal(calls.get, 1)
      ok(users.every((u) => u.user === 'ada'))
    })

    test('a request without a session cookie, or with a new session, asks nothing', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const srv = server(store, clock)
      await srv.visit('')
      await srv.login('ada')
      equal(calls.get, 0)
    })

    test('the revoking server refuses at once, without waiting for its interval', async () => {
      const clock = new Clock()
      const srv = server(memoryStore({ now: clock.now }), clock)
      const cookie = await srv.login('ada')
      const { session } = await srv.visit(cookie)
      await srv.revoker.revoke(session)
      equal((await srv.visit(cookie)).user, undefined)
      deepEqual(srv.reasons, ['revoked'])
    })
  })

  describe('an unavailable store', () => {
    for (const mode of ['reject', 'throw', 'hang'] as const) {
      test(`store that ${mode}s, onUnavailable 'refuse': signed out, nothing written, the session back once the store is`, async () => {
        const clock = new Clock()
        const down = flaky(memoryStore({ now: clock.now }))
        const srv = server(down.store, clock, { timeout: 0.05 })
        const cookie = await srv.login('ada')
        down.set(mode)
        const started = Date.now()
        const during = await srv.visit(cookie, (s) => s.set('count', 1))
        ok(Date.now() - started < 2_000, 'the timeout ended the wait')
        equal(during.user, undefined)
        deepEqual(during.setCookies, [], 'no Set-Cookie: the browser keeps its cookie')
        deepEqual(srv.reasons, ['unverified'])
        down.set('up')
        equal((await srv.visit(cookie)).user, 'ada')
      })
    }

    test("onUnavailable 'allow': the session is used unchecked but never re-sealed; logout still expires it", async () => {
      const clock = new Clock()
      const down = flaky(memoryStore({ now: clock.now }))
      const srv = server(down.store, clock, { timeout: 0.05, onUnavailable: 'allow' })
      const cookie = await srv.login('ada')
      down.set('hang')
      const during = await srv.visit(cookie, (s) => s.set('count', 1))
      equal(during.user, 'ada')
      deepEqual(during.setCookies, [])
      deepEqual(srv.reasons, ['unverified'])
      equal(await srv.revoker.verify(during.session), 'unverified', 'verify() never vouches unchecked')
      const logout = await srv.visit(cookie, (s) => s.destroy())
      equal(logout.setCookies.length, 1)
      ok(/Max-Age=0/i.test(logout.setCookies[0]!))
    })

    test('a slow store within the timeout is waited for', async () => {
      const clock = new Clock()
      const slow = flaky(memoryStore({ now: clock.now }))
      const srv = server(slow.store, clock, { timeout: 2 })
      const cookie = await srv.login('ada')
      slow.set(30)
      equal((await srv.visit(cookie)).user, 'ada')
    })

    test('revoking through a failing or hanging store rejects with ERR_REVOCATION_STORE', async () => {
      const clock = new Clock()
      const down = flaky(memoryStore({ now: clock.now }))
      const srv = server(down.store, clock, { timeout: 0.05 })
      down.set('reject')
      await rejects(srv.revoker.revokeSubject('ada'), 'ERR_REVOCATION_STORE')
      await rejects(srv.revoker.revoke('some-id'), 'ERR_REVOCATION_STORE')
    })
  })

  describe('consistency and storage', () => {
    test('Workers KV window: a revocation reaches other servers only once visible (60 s), the revoking one at once', async () => {
      const clock = new Clock()
      const store = delayedVisibility(memoryStore({ now: clock.now }), clock, 60_000)
      const [a, b] = [server(store, clock, { checkInterval: 0 }), server(store, clock, { checkInterval: 0 })]
      const cookie = await a.login('ada')
      clock.advance(5 * 60_000)
      await a.revoker.revokeSubject('ada')
      equal((await a.visit(cookie)).user, undefined, 'the revoking server knows')
      clock.advance(30_000)
      equal((await b.visit(cookie)).user, 'ada', 'another server, inside the window')
      clock.advance(30_001)
      equal((await b.visit(cookie)).user, undefined, 'after it')
    })

    test('entries live until the sessions they name would have expired anyway', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const revoker = revocation({ store, now: clock.now, maxAge: 3600 })
      const sessions = createSessionStore({
        secret: SECRET,
        now: clock.now,
        maxAge: 3600,
        revocation: revoker,
      })
      const session = await sessions.load(null)
      session.set('user', 'ada')
      clock.advance(600_000)
      await revoker.revoke(session)
      await revoker.revokeSubject('ada')
      const [[, , sessionTtl], [, , subjectTtl]] = calls.raise as [
        [string, number, number],
        [string, number, number],
      ]
      // Margins of one minute cover clock skew; nothing is kept past a session's absolute lifetime.
      equal(sessionTtl, 3_000_000 + 60_000)
      equal(subjectTtl, 3_600_000 + 60_000)
      const expired = await sessions.load(null)
      clock.advance(3_600_000)
      await revoker.revoke(expired)
      equal(calls.raise.length, 2, 'an expired session needs no entry')
    })

    test('the memory of last checks is bounded: a forgotten session is just checked again', async () => {
      const clock = new Clock()
      const { store, calls } = counted(memoryStore({ now: clock.now }))
      const srv = server(store, clock, { entries: 2 })
      const cookies = [await srv.login('a'), await srv.login('b'), await srv.login('c')]
      for (const c of cookies) await srv.visit(c)
      equal(calls.get, 3)
      await srv.visit(cookies[0]!)
      equal(calls.get, 4, 'the oldest was forgotten')
      await srv.visit(cookies[2]!)
      equal(calls.get, 4)
    })
  })

  describe('options', () => {
    test('setup refuses a missing store, bad intervals and a foreign revocation option', () => {
      const store = memoryStore()
      throws(() => revocation({} as never), 'ERR_OPTION_INVALID')
      throws(() => revocation({ store, checkInterval: -1 }), 'ERR_OPTION_INVALID')
      throws(() => revocation({ store, timeout: 0 }), 'ERR_OPTION_INVALID')
      throws(() => revocation({ store, onUnavailable: 'maybe' as never }), 'ERR_OPTION_INVALID')
      throws(() => createSessionStore({ secret: SECRET, revocation: {} as never }), 'ERR_OPTION_INVALID')
      throws(() => redisStore({} as never), 'ERR_OPTION_INVALID')
    })

    test('redisStore drives Bun (send), ioredis (call) and node-redis (sendCommand) clients alike', async () => {
      const seen: string[] = []
      const reply = async (args: string[]) => {
        seen.push(args[0]!)
        return args[0] === 'MGET' ? ['5', null] : 1
      }
      const clients = [
        { send: (name: string, args: string[]) => reply([name, ...args]) },
        { call: (name: string, ...args: string[]) => reply([name, ...args]) },
        { sendCommand: (args: string[]) => reply(args) },
      ]
      for (const client of clients) {
        const store = redisStore(client, { prefix: 'p:' })
        deepEqual(await store.get(['a', 'b']), [5, undefined])
        await store.raise(unique(), 1, 1000)
      }
      deepEqual(seen, ['MGET', 'EVAL', 'MGET', 'EVAL', 'MGET', 'EVAL'])
    })
  })
})
