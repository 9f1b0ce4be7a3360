// The "Time" rows of SECURITY.md's bad-input list, each a named test run end to end through
// withSession with real Request/Response objects. An EMPTY row asserts, through expectEmpty(): a
// new empty session, no Set-Cookie, nothing logged, a response identical to one for a request
// without a cookie, and the reason given to onInvalid. A THROW row asserts the error code. Rows
// run in both modes where a mode could matter.

import { ConfigurationError, type InvalidReason, type SessionOptions, withSession } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { craft, expectEmpty, expectValid, meta, probe } from '../attacker.ts'
import { deepEqual, describe, equal, match, notEqual, ok, rejects, test, throws } from '../harness.ts'
import { bytes, clock, request, SECRET, send, T0, visits, wrap } from '../helpers.ts'
import { HOUR, issue, MODES, SECOND } from './shared.ts'

describe('SECURITY-CASES', () => {
  describe('Time', () => {
    for (const mode of MODES) {
      test(`${mode}: a session is valid 1 ms before its absolute or idle deadline and gone at it`, async () => {
        const t = clock()
        const cookie = await issue({ mode, maxAge: 3600, idleTimeout: 3600 })
        const p = probe({ mode, maxAge: 3600, idleTimeout: 3600, now: t.now })
        t.set(T0 + HOUR - 1)
        await expectValid(p, cookie)
        t.set(T0 + HOUR)
        await expectEmpty(p, cookie, 'expired')
        // The idle deadline is as sharp.
        const q = probe({ mode, maxAge: 3 * 3600, idleTimeout: 3600, now: t.now })
        t.set(T0 + HOUR - 1)
        await expectValid(q, cookie)
        t.set(T0 + HOUR)
        await expectEmpty(q, cookie, 'idle')
      })
    }

    test('a rolling session renewed within its idle time still ends at its absolute lifetime', async () => {
      const t = clock()
      const options = { maxAge: 2 * 3600, idleTimeout: 3600, renewThreshold: 1, now: t.now }
      const app = wrap((_r, s) => new Response(String(s.isNew)), options)
      let cookie = await issue({ ...options })
      // Every 40 minutes: the session is renewed each time (renewThreshold 1), never idle.
      for (let minutes = 40; minutes < 120; minutes += 40) {
        t.set(T0 + minutes * 60 * SECOND)
        const sent = await send(app, cookie)
        equal(sent.body, 'false', `alive at ${minutes} minutes`)
        ok(sent.cookie, 'renewed')
        cookie = [sent.cookie]
      }
      t.set(T0 + 2 * HOUR)
      await expectEmpty(probe(options), cookie, 'expired')
    })

    for (const mode of MODES) {
      test(`${mode}: time fields missing, cut short, or out of range give no session`, async () => {
        const p = probe({ mode })
        const body = bytes('{"user":"ada"}')
        // Fields missing or cut short: the metadata is 24 bytes or the token is malformed.
        for (const length of [0, 6, 12, 23]) {
          const tok = await craft({ mode, meta: meta(T0).slice(0, length), body: new Uint8Array(0) })
          await expectEmpty(p, `session=${tok}`, mode === 'signed' ? 'malformed' : ['malformed', 'payload'])
        }
        if (mode === 'signed') {
          const long = new Uint8Array(25)
          long.set(meta(T0))
          await expectEmpty(p, `session=${await craft({ mode, meta: long, body })}`, 'malformed')
        }
        // Times are unsigned 48-bit integers of milliseconds, so NaN, fractions and negative
        // numbers cannot be written; the byte patterns they would take read as these:
        const cases: [string, Uint8Array, InvalidReason][] = [
          ['all bits set (year 10889)', new Uint8Array(24).fill(255), 'payload'],
          ['zero: created at the epoch', meta(0), 'expired'],
          ['touched before created', meta(T0, T0 - 1), 'payload'],
          ['created in the far future', meta(2 ** 48 - 1, 2 ** 48 - 1), 'payload'],
          ['touched beyond the clock skew', meta(T0, T0 + 61 * SECOND), 'payload'],
          ['2^32 ms boundary (1970-02-19)', meta(2 ** 32, 2 ** 32), 'expired'],
        ]
        for (const [what, m, reason] of cases) {
          const tok = await craft({ mode, meta: m, body })
          equal(await expectEmpty(p, `session=${tok}`, reason), reason, what)
        }
        // And the write side refuses such times outright, with a typed error; a fractional clock
        // (performance.timeOrigin + performance.now()) is taken in whole milliseconds.
        const writer = (now: () => number) =>
          wrap(
            (_r, s) => {
              s.set('a', 1)
              return new Response(null)
            },
            { mode, now },
          )
        for (const bad of [Number.NaN, -1, 2 ** 48, Number.POSITIVE_INFINITY]) {
          await rejects(writer(() => bad)(request()), 'ERR_OPTION_INVALID')
        }
        const fractional = await send(writer(() => T0 + 0.75))
        deepEqual((await expectValid(p, fractional.cookie!)).data, { a: 1 })
      })
    }

    test('maxAge, idleTimeout, clockSkew and renewThreshold refuse NaN, infinities and negatives at setup', () => {
      const handler = () => new Response(null)
      const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.001, '60', null]
      for (const option of ['maxAge', 'idleTimeout', 'clockSkew', 'renewThreshold'] as const) {
        for (const value of [...bad, ...(option === 'renewThreshold' ? [1.01, 2] : [])]) {
          const error = throws(
            () => withSession(handler, { secret: SECRET, [option]: value } as SessionOptions),
            'ERR_OPTION_INVALID',
          )
          ok(error instanceof ConfigurationError)
          match((error as Error).message, new RegExp(`^sealed-session: ${option}`))
        }
      }
      for (const value of [0, -0]) {
        throws(() => withSession(handler, { secret: SECRET, maxAge: value }), 'ERR_OPTION_INVALID')
        throws(() => withSession(handler, { secret: SECRET, idleTimeout: value }), 'ERR_OPTION_INVALID')
      }
      // Zero skew is a valid choice (perfectly synchronised clocks).
      withSession(handler, { secret: SECRET, clockSkew: 0 })
    })

    test('maxAge or idleTimeout over 400 days is refused, saying lifetimes are in seconds', () => {
      // 86,400,000 is one day in milliseconds: the likeliest unit mistake.
      for (const option of ['maxAge', 'idleTimeout'] as const) {
        const error = throws(() => visits({ [option]: 86_400_000 }), 'ERR_OPTION_INVALID')
        match((error as Error).message, /in seconds, not milliseconds/)
      }
      notEqual(visits({ maxAge: 400 * 86400 }), undefined)
    })

    test('the cookie Max-Age never outlives the sealed expiry nor 400 days', async () => {
      const t = clock()
      const maxAgeOf = async (options: Partial<SessionOptions>, cookie?: string[]) => {
        const { setCookies } = await send(
          wrap(
            (_r, s) => {
              s.set('n', ((s.get('n') as number) ?? 0) + 1)
              return new Response(null)
            },
            { now: t.now, ...options },
          ),
          cookie,
        )
        ok(setCookies.length > 0)
        return {
          ages: setCookies.map((c) => Number(/; Max-Age=(\d+)/.exec(c)![1])),
          cookie: setCookies.map((c) => c.split(';')[0]!),
        }
      }
      // 400 days is the most a browser keeps a cookie (RFC 6265bis 5.6.1), and the most a
      // lifetime may be; 1,000 days (or milliseconds mistaken for seconds) is refused at setup.
      deepEqual((await maxAgeOf({ maxAge: 400 * 86400, idleTimeout: 400 * 86400 })).ages, [400 * 86400])
      throws(() => wrap(() => new Response(null), { maxAge: 1000 * 86400 }), 'ERR_OPTION_INVALID')
      // Idle shorter than absolute: the idle deadline.
      deepEqual((await maxAgeOf({ maxAge: 7200, idleTimeout: 3600 })).ages, [3600])
      // After 1,000 s of a one-hour absolute lifetime, a write says 2,600 s, not a fresh hour.
      const options = { maxAge: 3600, idleTimeout: 3600 }
      const first = await maxAgeOf(options)
      deepEqual(first.ages, [3600])
      t.advance(1000 * SECOND)
      deepEqual((await maxAgeOf(options, first.cookie)).ages, [2600])
      // Chunk cookies carry the same Max-Age.
      t.set(T0)
      const { setCookies } = await send(
        wrap(
          (_r, s) => {
            s.set('x', 'y'.repeat(9000))
            return new Response(null)
          },
          { ...options, chunks: chunking(4), now: t.now },
        ),
      )
      ok(setCookies.length > 2)
      for (const c of setCookies) match(c, /; Max-Age=3600;/)
    })
  })
})
