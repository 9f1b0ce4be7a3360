import { cookieSpec, expireCookie, readSessionCookies, serializeCookie } from '../src/core/cookie.ts'
import { MAX_AGE_CAP_SECONDS } from '../src/core/sizes.ts'
import { deepEqual, describe, equal, test, throws } from './harness.ts'

describe('cookie', () => {
  /** The values of every cookie called `name` in `header`, in order, at most `limit` of them. */
  const values = (header: string | null, name: string, limit: number): string[] =>
    readSessionCookies(header, name, limit).values

  describe('readSessionCookies', () => {
    test('finds our cookie first, middle or last, and ignores names that only share a prefix', () => {
      equal(values('session=a; x=1', 'session', 4)[0], 'a')
      equal(values('x=1;session=b;y=2', 'session', 4)[0], 'b')
      equal(values('x=1; y=2; session=c', 'session', 4)[0], 'c')
      deepEqual(values('sessionx=1; xsession=2; session.1=3', 'session', 4), [])
    })

    test('returns nothing for a missing, empty or degenerate header', () => {
      for (const header of [null, '', ';;;', '=', '=x; =y', ' ; ; ', 'session', 'session;']) {
        deepEqual(values(header, 'session', 4), [], JSON.stringify(header))
      }
    })

    test('returns duplicates in order, capped', () => {
      deepEqual(values('session=1; session=2; a=b; session=3', 'session', 4), ['1', '2', '3'])
      deepEqual(values('session=1; session=2; session=3; session=4; session=5', 'session', 2), ['1', '2'])
    })

    test('several Cookie header lines joined with "; " (RFC 9113 section 8.2.3) are read as one', () => {
      deepEqual(values(['a=1', 'session=tok', 'b=2'].join('; '), 'session', 4), ['tok'])
    })

    test('splits pairs on ";" only: a "," belongs to the value it stands in (RFC 6265bis section 5.4)', () => {
      deepEqual(values('prefs=x,session=smuggled', 'session', 4), [])
      deepEqual(values('prefs=x, session=smuggled; session=real', 'session', 4), ['real'])
      deepEqual(values('session=a,b', 'session', 4), ['a,b'])
    })

    test('never decodes or throws on other cookies with odd characters or broken %-encoding', () => {
      const header = 'bad=%E0%A4%A; "q"="x"; uni=\u00e9\u{1F600}; =; session=ok; \u0000=\u0001'
      deepEqual(values(header, 'session', 4), ['ok'])
    })

    test('is linear: a 64 KiB header of 10,000 cookies, ours last', () => {
      const parts = Array.from({ length: 10_000 }, (_, i) => `c${i}=v`)
      parts.push('session=last')
      const header = parts.join('; ')
      deepEqual(values(header, 'session', 4), ['last'])
      deepEqual(values(`session=first; ${header}`, 'session', 1), ['first'])
    })

    test('keeps the raw value (no unquoting or decoding), so a quoted token fails later as malformed', () => {
      deepEqual(values('session="abc"', 'session', 4), ['"abc"'])
      deepEqual(values('session=a%2Eb', 'session', 4), ['a%2Eb'])
    })
  })

  describe('cookieSpec', () => {
    test('defaults: Path=/, HttpOnly, Secure, SameSite=Lax', () => {
      const spec = cookieSpec()
      equal(spec.name, 'session')
      equal(spec.attributes, '; Path=/; HttpOnly; Secure; SameSite=Lax')
    })

    test('every attribute, in a fixed order', () => {
      const spec = cookieSpec({
        name: 's',
        path: '/app',
        domain: 'example.com',
        httpOnly: false,
        secure: true,
        sameSite: 'none',
        partitioned: true,
        priority: 'high',
      })
      equal(
        spec.attributes,
        '; Path=/app; Domain=example.com; Secure; SameSite=None; Partitioned; Priority=High',
      )
    })

    test('flags take booleans only: a string from an environment variable is refused, never read as true', () => {
      for (const key of ['secure', 'httpOnly', 'partitioned', 'sessionCookie'] as const) {
        for (const value of ['false', 'true', 0, 1, null]) {
          throws(() => cookieSpec({ [key]: value as never }), 'ERR_COOKIE_OPTION')
        }
      }
      equal(cookieSpec({ secure: false }).parts.secure, false)
    })

    test('rejects ; CR LF and non-token characters in name, path and domain (CVE-2024-47764)', () => {
      for (const name of ['a;b', 'a b', 'a\r\nb', 'a=b', '', 'é', 'a,b', '"a"', 'a\u0000']) {
        throws(() => cookieSpec({ name }), 'ERR_COOKIE_OPTION')
      }
      for (const path of ['/a;b', '/a\r\nSet-Cookie: x=y', 'relative', '', '/a\u007f']) {
        throws(() => cookieSpec({ path }), 'ERR_COOKIE_OPTION')
      }
      for (const domain of ['a;b.com', 'a b.com', 'exa\nmple.com', '-bad.com', 'a..b', '']) {
        throws(() => cookieSpec({ domain }), 'ERR_COOKIE_OPTION')
      }
      throws(() => cookieSpec({ sameSite: 'lax; Domain=evil' as 'Lax' }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ priority: 'urgent' as 'High' }), 'ERR_COOKIE_OPTION')
    })

    test('__Host- needs Secure, Path=/ and no Domain; __Secure- needs Secure (case-insensitive)', () => {
      equal(cookieSpec({ name: '__Host-s' }).name, '__Host-s')
      throws(() => cookieSpec({ name: '__Host-s', secure: false }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ name: '__Host-s', path: '/app' }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ name: '__Host-s', domain: 'example.com' }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ name: '__host-s', secure: false }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ name: '__Secure-s', secure: false }), 'ERR_COOKIE_OPTION')
      equal(cookieSpec({ name: '__Secure-s', path: '/x', domain: 'example.com' }).name, '__Secure-s')
    })

    test('SameSite=None and Partitioned need Secure', () => {
      throws(() => cookieSpec({ sameSite: 'None', secure: false }), 'ERR_COOKIE_OPTION')
      throws(() => cookieSpec({ partitioned: true, secure: false }), 'ERR_COOKIE_OPTION')
      equal(
        cookieSpec({ sameSite: 'Strict', secure: false }).attributes,
        '; Path=/; HttpOnly; SameSite=Strict',
      )
    })
  })

  describe('serializeCookie', () => {
    const spec = cookieSpec({ name: 'sid' })
    test('writes Max-Age in whole seconds, capped at 400 days, never negative', () => {
      equal(serializeCookie(spec, 'v', 10.9), 'sid=v; Max-Age=10; Path=/; HttpOnly; Secure; SameSite=Lax')
      equal(serializeCookie(spec, 'v', 10 ** 9).split('; ')[1], `Max-Age=${MAX_AGE_CAP_SECONDS}`)
      equal(MAX_AGE_CAP_SECONDS, 34_560_000)
      equal(serializeCookie(spec, 'v', -5).split('; ')[1], 'Max-Age=0')
    })

    test('a browser-session cookie has no Max-Age or Expires', () => {
      equal(serializeCookie(spec, 'v', undefined), 'sid=v; Path=/; HttpOnly; Secure; SameSite=Lax')
    })

    test('expiring uses Max-Age=0 with the same Path, Domain, Secure and Partitioned', () => {
      const s = cookieSpec({
        name: '__Secure-x',
        path: '/p',
        domain: 'example.com',
        sameSite: 'None',
        partitioned: true,
      })
      equal(
        expireCookie(s),
        '__Secure-x=; Max-Age=0; Path=/p; Domain=example.com; HttpOnly; Secure; SameSite=None; Partitioned',
      )
    })
  })
})
