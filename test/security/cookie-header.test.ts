// The "Cookie header" rows of SECURITY.md's bad-input list, each a named test run end to end through
// withSession with real Request/Response objects. An EMPTY row asserts, through expectEmpty(): a
// new empty session, no Set-Cookie, nothing logged, a response identical to one for a request
// without a cookie, and the reason given to onInvalid. A THROW row asserts the error code. Rows
// run in both modes where a mode could matter.

import type { InvalidReason } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { MAX_CANDIDATES } from '../../src/core/read.ts'
import { ANY_REASON, expectEmpty, expectValid, probe } from '../attacker.ts'
import { deepEqual, describe, equal, ok, test } from '../harness.ts'
import { cookieValue, countSubtle, send, T0, visits, wrap } from '../helpers.ts'
import { Jar } from '../jar.ts'
import { DAY, issue } from './shared.ts'

describe('SECURITY-CASES', () => {
  describe('Cookie header', () => {
    test('no Cookie header, an empty one, or pairs without names give no session', async () => {
      const p = probe()
      await expectEmpty(p, [], [])
      for (const header of [
        '',
        ';;;',
        ',,,',
        '=',
        '==',
        '=x',
        '=x; =y',
        '=session',
        ' ; ; ',
        'session',
        'session;',
        'sessionx=1',
        'Session=1',
        'SESSION=1',
        'x=session',
        'session.1=abc',
      ]) {
        await expectEmpty(p, header, [], JSON.stringify(header))
      }
      // An empty value of our own cookie is ours, and malformed.
      await expectEmpty(p, 'session=', 'malformed')
      await expectEmpty(p, 'session=;', 'malformed')
    })

    test('in a 64 KiB header of 10,000 cookies ours is found anywhere, with bounded crypto', async () => {
      const p = probe()
      const [cookie] = await issue()
      const filler = Array.from({ length: 10_000 }, (_, i) => `c${i}=v${i}`)
      const header = (at: number, ours: string) =>
        [...filler.slice(0, at), ours, ...filler.slice(at)].join('; ')
      ok(header(0, cookie!).length > 64 * 1024, 'over 64 KiB')
      const tampered = `${cookie!.slice(0, -3)}AAA`
      for (const at of [0, 5000, 10_000]) {
        deepEqual((await expectValid(p, header(at, cookie!))).data, { user: 'ada' }, `at ${at}`)
        const counts = await countSubtle(() =>
          expectEmpty(p, header(at, tampered), ['tampered', 'malformed']),
        )
        ok(counts.decrypt <= 1, 'one decryption at most')
      }
      // Our cookie at 64 KiB: refused on its length before any decoding or crypto.
      for (const value of [
        'A'.repeat(64 * 1024),
        `e1AAAA.${'A'.repeat(64 * 1024)}`,
        `9~${'A'.repeat(5000)}`,
      ]) {
        const counts = await countSubtle(() => expectEmpty(p, `session=${value}`, 'oversize'))
        equal(counts.total, 0)
      }
      // 10,000 copies of our cookie: a small cap on candidates bounds the crypto.
      const copies = Array.from({ length: 10_000 }, () => tampered).join('; ')
      const counts = await countSubtle(() => expectEmpty(p, copies, ANY_REASON))
      ok(counts.decrypt <= MAX_CANDIDATES, `${counts.decrypt} decryptions for 10,000 copies`)
    })

    test('of several cookies with our name (Path or Domain variants) the first valid one is used', async () => {
      const p = probe()
      const [valid] = await issue({}, { user: 'ada' })
      const [other] = await issue({}, { user: 'bob' })
      const [expired] = await issue({ now: () => T0 - 15 * DAY })
      const bad = 'session=e1AAAA.stale'
      for (const header of [`${bad}; ${valid}`, `${valid}; ${bad}`, `${expired}; ${valid}`, [bad, valid!]]) {
        deepEqual((await expectValid(p, header)).data, { user: 'ada' }, String(header))
      }
      // Two valid ones: the first, every time.
      for (let i = 0; i < 3; i++) {
        deepEqual((await expectValid(p, `${other}; ${valid}`)).data, { user: 'bob' })
        deepEqual((await expectValid(p, `${valid}; ${other}`)).data, { user: 'ada' })
      }
      // The cap: a valid copy behind MAX_CANDIDATES bad ones is not looked at.
      const before = Array.from({ length: MAX_CANDIDATES - 1 }, () => bad)
      await expectValid(p, [...before, valid!].join('; '))
      const counts = await countSubtle(() =>
        expectEmpty(p, [...before, expired!, valid!].join('; '), ['unknown-key', 'expired']),
      )
      ok(counts.decrypt <= MAX_CANDIDATES)
    })

    test('other cookies with odd characters or broken %-encoding do not disturb ours', async () => {
      const p = probe()
      const [valid] = await issue()
      const odd = [
        'a=%E0%A4%A',
        'b=%',
        'c=%%%',
        'd="unterminated',
        'e=\u0001\u007f\u00ff',
        'f=\u00e9\u00e8',
        'g==',
        'h=a=b=c',
        'i',
        '=j',
        'k=\\',
        '\u00ff=\u00ff',
        'l=\t',
        'm="a;b"',
      ].join('; ')
      deepEqual((await expectValid(p, `${odd}; ${valid}`)).data, { user: 'ada' })
      deepEqual((await expectValid(p, `${valid}; ${odd}`)).data, { user: 'ada' })
      await expectEmpty(p, odd, [])
    })

    test('a valid token after a "," inside another cookie (`prefs=x,__Host-s=<token>`) is never read as ours', async () => {
      // Pairs split on ';' only: reading ',' as a separator would let a cookie set by a sibling
      // subdomain (`prefs`) smuggle a session past the __Host- prefix (fixation).
      const reasons: InvalidReason[] = []
      const app = visits({ onInvalid: (r) => reasons.push(r), cookie: { name: '__Host-s' } })
      const { cookie } = await send(app)
      const token = cookieValue(cookie!)
      for (const smuggled of [`prefs=x,__Host-s=${token}`, `prefs=x, __Host-s=${token}`]) {
        const seen = JSON.parse((await send(app, smuggled, '/read')).body)
        equal(seen.isNew, true, smuggled.slice(0, 20))
      }
      deepEqual(reasons, [], 'not even seen as a bad cookie of ours')
      // The genuine pair, split on ';', is still found.
      equal(JSON.parse((await send(app, `prefs=x; __Host-s=${token}`, '/read')).body).n, 1)
    })

    test('a stray chunk after a "," inside another cookie (`other=x,session.1=junk`) cannot log a chunked session out', async () => {
      const app = wrap(
        (_r, s) => {
          if (!s.has('big')) s.set('big', 'x'.repeat(6000))
          return new Response(String(s.isNew))
        },
        { chunks: chunking() },
      )
      const first = await send(app)
      const header = first.setCookies.map((c) => c.split(';')[0]).join('; ')
      equal((await send(app, `${header}; other=x,session.1=junk`)).body, 'false')
    })

    test('a session split over several Cookie header lines (HTTP/2) is read in any order', async () => {
      const p = probe()
      const [valid] = await issue()
      deepEqual((await expectValid(p, ['a=1', valid!, 'b=2'])).data, { user: 'ada' })
      // A chunked session with each cookie on its own line, in any order.
      const options = { chunks: chunking(4), now: () => T0 }
      const writer = wrap((_r, s) => {
        s.set('x', 'z'.repeat(9000))
        return new Response(null)
      }, options)
      const jar = new Jar().apply((await send(writer)).setCookies)
      ok(jar.names().length >= 3)
      const big = probe(options)
      await expectValid(big, jar.lines())
      await expectValid(big, jar.lines().reverse())
      await expectEmpty(big, jar.lines().slice(1), [])
      await expectEmpty(big, jar.lines().slice(0, -1), 'chunks')
    })
  })
})
