// Every row of docs/SECURITY-CASES.md as a named test, end to end through withSession with real
// Request/Response objects, grouped by the document's headings. An EMPTY row asserts, through
// expectEmpty(): a new empty session, no Set-Cookie, nothing logged, a response identical to one
// for a request without a cookie, and the reason given to onInvalid. A THROW row asserts the
// error code. Rows are run in both modes where a mode could matter.
//
// The "Concurrency and runtimes" rows live in concurrency.test.ts; cases beyond the document are
// at the end of this file under "Beyond the list".

import { Hono } from 'hono'
import { defaults as ironDefaults, seal as ironSeal } from 'iron-webcrypto'
import { CompactEncrypt, SignJWT } from 'jose'
import {
  ConfigurationError,
  CookieTooLargeError,
  type InvalidReason,
  type Mode,
  SerializationError,
  type SessionOptions,
  withSession,
} from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { canCompress } from '../src/deflate.ts'
import { base64urlDecode, base64urlEncode } from '../src/encoding.ts'
import { getKeyring, normalizeSecrets, PUBLISHED_SECRETS } from '../src/keys.ts'
import { MAX_CANDIDATES } from '../src/store.ts'
import { ANY_REASON, craft, expectEmpty, expectValid, meta, probe, silenced } from './attacker.ts'
import { deepEqual, describe, env, equal, match, notEqual, ok, rejects, test, throws } from './harness.ts'
import {
  bytes,
  clock,
  cookieValue,
  countSubtle,
  OLD_SECRET,
  OTHER_SECRET,
  request,
  SECRET,
  send,
  T0,
  wrap,
} from './helpers.ts'
import { Jar } from './jar.ts'

const MODES = ['encrypted', 'signed'] as const
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SECOND = 1000
const HOUR = 3600 * SECOND
const DAY = 24 * HOUR

type SessionData = Record<string, unknown>

/** The `name=value` pairs a writer app with `options` sets for a new session holding `data`. */
async function issue(options: Partial<SessionOptions> = {}, data: SessionData = { user: 'ada' }) {
  const app = wrap(
    (_r, s) => {
      s.replace(data)
      return new Response(null)
    },
    { now: () => T0, ...options },
  )
  const { setCookies } = await send(app)
  return setCookies.map((c) => c.split(';')[0]!)
}

/** A single-cookie token of `mode` for cookie `name`, sealed at T0. */
async function token(mode: Mode = 'encrypted', options: Partial<SessionOptions> = {}, data?: SessionData) {
  const [pair] = await issue({ mode, ...options }, data)
  return cookieValue(pair!)
}

/** The segments after the header, with where each starts in the token. */
function segments(tok: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = []
  let at = 7
  for (const text of tok.slice(7).split('.')) {
    out.push({ text, at })
    at += text.length + 1
  }
  return out
}

/** Characters a `Cookie` header can carry at all: Fetch refuses NUL, CR and LF in header values. */
function sendable(c: string): boolean {
  return !/[\0\r\n]/.test(c) && c.charCodeAt(0) < 256
}

async function keyId(mode: Mode, secret = SECRET): Promise<string> {
  return (await getKeyring(normalizeSecrets(secret), mode)).current.id
}

describe('SECURITY-CASES', () => {
  describe('Integrity', () => {
    for (const mode of MODES) {
      test(`${mode}: one character changed at every position of a valid token, to every other base64url character and to ; , = " \\ % space`, async () => {
        const p = probe({ mode })
        // A token whose last segment has unused low bits, to check canonical decoding too.
        let tok = await token(mode)
        for (let n = 0; segments(tok).at(-1)!.text.length % 4 === 0; n++) {
          tok = await token(mode, {}, { user: 'ada', pad: 'x'.repeat(n) })
        }
        const replacements = `${ALPHABET};,="\\% `
        let tried = 0
        for (let i = 0; i < tok.length; i++) {
          for (const c of replacements) {
            if (c === tok[i]) continue
            await expectEmpty(p, `session=${tok.slice(0, i) + c + tok.slice(i + 1)}`, ANY_REASON)
            tried++
          }
        }
        const dots = tok.split('.').length - 1
        equal(tried, tok.length * (replacements.length - 1) + dots, 'every position, every character')
        // Canonical base64url: the last character changed only in its unused low bits would
        // decode to the same bytes in a lenient decoder; here it is malformed before any crypto.
        const last = ALPHABET.indexOf(tok.at(-1)!)
        const unused = segments(tok).at(-1)!.text.length % 4 === 2 ? 15 : 3
        const sibling = ALPHABET[(last & ~unused) | ((last + 1) & unused)]!
        const forged = tok.slice(0, -1) + sibling
        const counts = await countSubtle(() => expectEmpty(p, `session=${forged}`, 'malformed'))
        equal(counts.decrypt + counts.verify, 0, 'rejected before any crypto')
        await expectValid(p, `session=${tok}`)
      })

      test(`${mode}: a bit flipped in IV, ciphertext, tag, header`, async () => {
        const p = probe({ mode })
        const tok = await token(mode)
        const flips: Record<string, number> = {}
        // The header: mode letter, version, key id.
        for (let i = 0; i < 6; i++) {
          for (let bit = 0; bit < 8; bit++) {
            const c = String.fromCharCode(tok.charCodeAt(i) ^ (1 << bit))
            if (!sendable(c)) continue
            await expectEmpty(p, `session=${tok.slice(0, i)}${c}${tok.slice(i + 1)}`, ANY_REASON)
            flips.header = (flips.header ?? 0) + 1
          }
        }
        // Every bit of every decoded segment: IV, ciphertext and tag (encrypted); body, meta and
        // MAC (signed). All authenticated, so all tampered.
        const names = mode === 'encrypted' ? ['iv', 'ciphertext', 'tag'] : ['body', 'meta', 'mac']
        for (const { text, at } of segments(tok)) {
          const raw = base64urlDecode(text)!
          for (let bit = 0; bit < raw.length * 8; bit++) {
            const flipped = raw.slice()
            flipped[bit >> 3]! ^= 1 << (bit & 7)
            const forged = tok.slice(0, at) + base64urlEncode(flipped) + tok.slice(at + text.length)
            await expectEmpty(p, `session=${forged}`, 'tampered')
            const byte = bit >> 3
            const part =
              mode === 'signed'
                ? names[segments(tok).findIndex((s) => s.at === at)]!
                : byte < 12
                  ? 'iv'
                  : byte >= raw.length - 16
                    ? 'tag'
                    : 'ciphertext'
            flips[part] = (flips[part] ?? 0) + 1
          }
        }
        for (const part of ['header', ...names]) ok((flips[part] ?? 0) > 0, `flipped bits in the ${part}`)
      })

      test(`${mode}: truncated to every length; extended; extra separator; segments swapped or empty`, async () => {
        const p = probe({ mode })
        const tok = await token(mode)
        for (let n = 0; n < tok.length; n++) await expectEmpty(p, `session=${tok.slice(0, n)}`, ANY_REASON)
        for (const extra of [...ALPHABET, '.', '=', '==', '.A', 'AAAA', '.AAAA', tok]) {
          await expectEmpty(p, `session=${tok}${extra}`, ANY_REASON)
          await expectEmpty(p, `session=${extra}${tok}`, ANY_REASON)
        }
        for (let i = 1; i < tok.length; i++) {
          await expectEmpty(p, `session=${tok.slice(0, i)}.${tok.slice(i)}`, ANY_REASON)
        }
        const parts = tok.split('.')
        const variants = [
          parts.slice().reverse().join('.'),
          parts.join('..'),
          `${tok}.`,
          `.${tok}`,
          parts.slice(0, 1).join('.'),
          `${parts[0]}.`,
          ...parts.map((_, i) => parts.map((s, j) => (i === j ? '' : s)).join('.')),
          ...parts.map((_, i) => parts.filter((_s, j) => i !== j).join('.')),
        ]
        for (let i = 1; i < parts.length; i++) {
          for (let j = i + 1; j < parts.length; j++) {
            const swapped = parts.slice()
            ;[swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!]
            variants.push(swapped.join('.'))
          }
        }
        for (const v of variants) await expectEmpty(p, `session=${v}`, ANY_REASON)
      })

      test(`${mode}: wrong key`, async () => {
        const p = probe({ mode })
        const foreign = await token(mode, { secret: OTHER_SECRET })
        await expectEmpty(p, `session=${foreign}`, 'unknown-key')
        // The same token relabelled with our key id: now it is decrypted, and fails.
        const relabelled = `${foreign.slice(0, 2)}${await keyId(mode)}${foreign.slice(6)}`
        await expectEmpty(p, `session=${relabelled}`, 'tampered')
      })

      test(`${mode}: sealed with an older key that is still configured`, async () => {
        const old = await issue({ mode, secret: OLD_SECRET }, { user: 'ada', n: 1 })
        const p = probe({ mode, secret: [SECRET, OLD_SECRET] })
        const view = await expectValid(p, old)
        deepEqual(view.data, { user: 'ada', n: 1 })
        // ...and the response re-seals it with the newest key, unchanged.
        const { setCookies } = await send(p.app, old)
        equal(setCookies.length, 1, 're-sealed')
        const resealed = setCookies[0]!.split(';')[0]!
        ok(cookieValue(resealed).startsWith(`${mode[0]}2${await keyId(mode)}.`), 'with the newest key id')
        const newestOnly = probe({ mode })
        deepEqual((await expectValid(newestOnly, resealed)).data, { user: 'ada', n: 1 })
        deepEqual((await send(p.app, resealed)).setCookies, [], 'and then left alone')
      })

      test(`${mode}: sealed with a key that was removed`, async () => {
        const old = await issue({ mode, secret: OLD_SECRET })
        const p = probe({ mode, secret: [SECRET, OTHER_SECRET] })
        await expectValid(p, await issue({ mode })) // warms the key cache
        const counts = await countSubtle(() => expectEmpty(p, old, 'unknown-key'))
        equal(counts.total, 0, 'no trial decryption with every configured key')
        // A token of a configured key costs exactly one check, however many keys are configured.
        const current = await issue({ mode, secret: OTHER_SECRET })
        const one = await countSubtle(() => expectValid(p, current))
        equal(one.decrypt + one.verify, 1)
      })

      test(`${mode}: unknown format version`, async () => {
        const p = probe({ mode })
        const tok = await token(mode)
        for (const v of ['0', '3', '9', 'a', 'V', '-', '_']) {
          const forged = `${tok[0]}${v}${tok.slice(2)}`
          const counts = await countSubtle(() => expectEmpty(p, `session=${forged}`, 'version'))
          equal(counts.total, 0, 'refused before crypto')
        }
      })
    }

    test('signed-mode token given to encrypted mode and the reverse, same secret', async () => {
      for (const [from, to] of [
        ['signed', 'encrypted'],
        ['encrypted', 'signed'],
      ] as const) {
        const p = probe({ mode: to })
        const tok = await token(from)
        await expectEmpty(p, `session=${tok}`, 'mode')
        // Relabelled as the other mode: its key id is derived per mode, so it names no key.
        const relabelled = `${to[0]}${tok.slice(1)}`
        await expectEmpty(p, `session=${relabelled}`, 'unknown-key')
        // Relabelled with the other mode's key id too: the bytes still do not authenticate.
        const full = `${to[0]}1${await keyId(to)}${tok.slice(6)}`
        await expectEmpty(p, `session=${full}`, ['malformed', 'tampered'])
      }
      notEqual(await keyId('encrypted'), await keyId('signed'), 'separate derived subkeys per mode')
    })

    for (const mode of MODES) {
      test(`${mode}: valid value of cookie a copied into cookie b (same app, same secret)`, async () => {
        const a = cookieValue((await issue({ mode, cookie: { name: 'a' } }))[0]!)
        for (const other of ['b', 'A', 'a.b', '__Host-a', '__Secure-a']) {
          const cookie = other.startsWith('__') ? { name: other, secure: true } : { name: other }
          const p = probe({ mode, cookie })
          await expectEmpty(p, `${other}=${a}`, 'tampered')
        }
        await expectValid(probe({ mode, cookie: { name: 'a' } }), `a=${a}`)
      })
    }

    test('foreign tokens: a JWT, a JWE, an iron Fe26.2*… seal, random base64url', async () => {
      // Real tokens of other formats, made with the very same secret: sharing a secret with
      // another library must not let its tokens in.
      const key = bytes(SECRET)
      const jwt = await new SignJWT({ sub: 'ada', admin: true })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .sign(key)
      const jwe = await new CompactEncrypt(bytes('{"user":"ada","admin":true}'))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(key.slice(0, 32))
      const iron = await ironSeal({ user: 'ada', admin: true }, SECRET, ironDefaults)
      ok(iron.startsWith('Fe26.2*'))
      const random = (n: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(n)))
      const foreign = [jwt, jwe, iron, random(16), random(90), random(200), random(2000)]
      for (const mode of MODES) {
        const p = probe({ mode })
        for (const tok of foreign) await expectEmpty(p, `session=${tok}`, ANY_REASON)
        // Random bytes behind our own header: decoded and checked by the crypto, then refused.
        const header = `${mode[0]}1${await keyId(mode)}`
        const shaped =
          mode === 'encrypted'
            ? [`${header}.${random(64)}`, `${header}.${random(1000)}`]
            : [`${header}.${random(20)}.${random(24)}.${random(32)}`]
        for (const tok of shaped) await expectEmpty(p, `session=${tok}`, 'tampered')
      }
    })
  })

  describe('Time', () => {
    for (const mode of MODES) {
      test(`${mode}: now == expiry is EMPTY; one millisecond before: valid`, async () => {
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

    test('rolling session past its absolute lifetime while idle time is fine', async () => {
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
      test(`${mode}: expiry/issued fields missing, non-integer, NaN, negative, huge`, async () => {
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

    test('ttl/skew options NaN, Infinity, negative', () => {
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

    test('cookie Max-Age: never beyond the sealed expiry; never beyond 400 days', async () => {
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

  describe('Encoding and payload', () => {
    for (const mode of MODES) {
      test(`${mode}: + / = padding, whitespace, %-encoded, quoted, length%4==1`, async () => {
        const p = probe({ mode })
        let tok = await token(mode)
        for (let i = 0; !(tok.includes('-') && tok.includes('_')) && i < 100; i++) tok = await token(mode)
        ok(tok.includes('-') && tok.includes('_'), 'a token with both URL-safe characters')
        const std = tok.replaceAll('-', '+').replaceAll('_', '/')
        const padded = tok
          .split('.')
          .map((s, i) => (i === 0 ? s : s + '='.repeat((4 - (s.length % 4)) % 4)))
          .join('.')
        const variants: [string, string][] = [
          ['standard alphabet', std],
          ['one + only', tok.replace('-', '+')],
          ['one / only', tok.replace('_', '/')],
          ['= appended', `${tok}=`],
          ['== appended', `${tok}==`],
          ['space inside', `${tok.slice(0, 20)} ${tok.slice(20)}`],
          ['tab inside', `${tok.slice(0, 20)}\t${tok.slice(20)}`],
          ['%-encoded character', tok.replace(tok[10]!, `%${tok.charCodeAt(10).toString(16)}`)],
          ['%-encoded whole', [...tok].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')],
          ['%2E for the dot', tok.replace('.', '%2E')],
          ['quoted', `"${tok}"`],
          ['half quoted', `"${tok}`],
          ['length % 4 == 1', tok + 'A'.repeat((5 - (segments(tok).at(-1)!.text.length % 4)) % 4 || 4)],
        ]
        for (const [what, v] of variants) {
          notEqual(v, tok, what)
          await expectEmpty(p, `session=${v}`, ANY_REASON, what)
        }
        if (padded !== tok) await expectEmpty(p, `session=${padded}`, 'malformed', 'padded segments')
        // Whitespace around a value is not part of it (RFC 6265bis 5.6 trims it): still valid.
        await expectValid(p, `session= ${tok} `)
        await expectValid(p, `session=\t${tok}`)
      })

      test(`${mode}: plaintext not UTF-8, not JSON, JSON that is not an object`, async () => {
        const p = probe({ mode })
        const bodies: [string, Uint8Array][] = [
          ['invalid byte', Uint8Array.of(0xff, 0x7b, 0x7d)],
          ['overlong /', Uint8Array.of(0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d)],
          ['UTF-16 surrogate as UTF-8', Uint8Array.of(0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d)],
          ['truncated sequence', Uint8Array.of(0x7b, 0x22, 0xe2, 0x82, 0x22, 0x3a, 0x31, 0x7d)],
          ['byte order mark', Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d)],
          ['UTF-16LE', Uint8Array.of(0x7b, 0, 0x7d, 0)],
        ]
        for (const text of [
          '',
          'not json',
          '{"a":1',
          '{"a":1}}',
          "{'a':1}",
          '[1,2]',
          '[]',
          '[{}]',
          '[{},{},{}]',
          '[{},1]',
          '[1,{}]',
          '[{},[]]',
          '"str"',
          'null',
          '42',
          'true',
          '{"a":1} x',
        ]) {
          bodies.push([JSON.stringify(text), bytes(text)])
        }
        for (const [what, body] of bodies) {
          const tok = await craft({ mode, meta: meta(T0), body })
          await expectEmpty(p, `session=${tok}`, 'payload', what)
        }
        // The control: the same crafting with a JSON object is accepted.
        await expectValid(p, `session=${await craft({ mode, meta: meta(T0), body: bytes('{"ok":1}') })}`)
      })
    }

    test('{"__proto__":{"admin":true}} inside a valid seal', async () => {
      for (const mode of MODES) {
        const seen: Record<string, unknown>[] = []
        const app = wrap(
          (_r, s) => {
            seen.push({
              admin: s.get('admin'),
              has: s.has('admin'),
              dataAdmin: (s.data as { admin?: unknown }).admin,
              dataProto: Object.getPrototypeOf(s.data) === Object.prototype,
              flashAdmin: s.flash('admin'),
              plain: ({} as { admin?: unknown }).admin,
            })
            s.set('visits', 1) // and writing it back out pollutes nothing either
            return new Response(null)
          },
          { mode, now: () => T0 },
        )
        for (const body of [
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"admin":true}}}',
          '{"__proto__":{"__proto__":{"admin":true}}}',
          '[{"__proto__":{"admin":true}},{"__proto__":{"admin":true}}]',
        ]) {
          const tok = await craft({ mode, meta: meta(T0), body: bytes(body) })
          const { setCookies } = await send(app, `session=${tok}`)
          equal(setCookies.length, 1, 'the app writes')
          await send(app, setCookies[0]!.split(';')[0]!) // the rewritten cookie, read back
        }
        equal(seen.length, 8)
        const clean = {
          admin: undefined,
          has: false,
          dataAdmin: undefined,
          dataProto: true,
          flashAdmin: undefined,
          plain: undefined,
        }
        for (const s of seen) deepEqual(s, clean, mode)
      }
      equal(({} as { admin?: unknown }).admin, undefined)
      equal(Object.hasOwn(Object.prototype, 'admin'), false)
    })

    test('writing BigInt, cycles, functions, Map', async () => {
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      class User {
        name = 'ada'
      }
      const values: [string, unknown][] = [
        ['BigInt', 1n],
        ['cycle', cycle],
        ['function', () => 1],
        ['Map', new Map([[1, 2]])],
        ['Set', new Set([1])],
        ['Date', new Date(T0)],
        ['NaN', Number.NaN],
        ['Infinity', Number.POSITIVE_INFINITY],
        ['Symbol', Symbol('s')],
        ['class instance', new User()],
        ['undefined in an array', [1, undefined]],
        ['Uint8Array', new Uint8Array(2)],
        ['nested BigInt', { a: [{ b: 2n }] }],
        ['RegExp', /x/],
      ]
      for (const [what, value] of values) {
        // After the handler: the wrapped handler rejects, so no response (and no cookie) exists.
        const app = wrap((_r, s) => {
          s.set('v', value)
          return new Response('ok')
        })
        const error = await rejects(app(request()), 'ERR_SESSION_SERIALIZE')
        ok(error instanceof SerializationError, what)
        match((error as Error).message, /^sealed-session: /, what)
        // Through save(): the app catches it where it happened and answers; nothing is written.
        const careful = wrap(async (_r, s) => {
          s.set('v', value)
          try {
            await s.save()
            return new Response('saved')
          } catch (e) {
            return new Response((e as SerializationError).code, { status: 400 })
          }
        })
        const sent = await send(careful)
        equal(sent.body, 'ERR_SESSION_SERIALIZE', what)
        deepEqual(sent.setCookies, [], `nothing half-written: ${what}`)
      }
    })

    test('emoji and other non-ASCII values round-trip exactly', async () => {
      const strings = [
        '😀',
        '👩‍👩‍👧‍👦',
        '🏳️‍🌈',
        'é',
        'e\u0301',
        '中文字符',
        'عربى',
        '\u202eevil',
        '\u0000',
        '\u001f\u007f',
        '\uffff',
        '\ufeff',
        '\ud800',
        '\udfff',
        'a\u2028b\u2029c',
        '"\\/\b\f\n\r\t',
        '𝕊𝕖𝕤𝕤𝕚𝕠𝕟',
      ]
      const data: SessionData = { all: strings.join(''), list: strings }
      for (const [i, s] of strings.entries()) data[`k${i}${s}`] = s
      const configs: Partial<SessionOptions>[] = [{ mode: 'encrypted' }, { mode: 'signed' }]
      if (canCompress())
        configs.push(
          { mode: 'encrypted', compress: compression() },
          { mode: 'signed', compress: compression() },
        )
      for (const options of configs) {
        const cookie = await issue(options, data)
        const view = await expectValid(probe(options), cookie)
        deepEqual(view.data, data, JSON.stringify(options))
        for (const [i, s] of strings.entries()) equal((view.data.list as string[])[i], s)
      }
    })
  })

  describe('Cookie header', () => {
    test('no header, empty, ;;;, =, pairs without names', async () => {
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

    test('64 KiB header, 10,000 cookies, our cookie first/middle/last', async () => {
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

    test('two cookies with our name (Path/Domain variants), one valid', async () => {
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

    test('other cookies with odd characters or broken %-encoding', async () => {
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

    test('several Cookie header lines (HTTP/2)', async () => {
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

  describe('Writing', () => {
    test('name + value over 4096 bytes (check 4096 and 4097 exactly)', async () => {
      /** What writing `n` characters does under cookie `name`. */
      const write = async (name: string, n: number, max?: number) => {
        const app = wrap(
          (_r, s) => {
            s.set('x', 'a'.repeat(n))
            return new Response(null)
          },
          { cookie: { name }, chunks: max === undefined ? undefined : chunking(max), now: () => T0 },
        )
        try {
          const { setCookies } = await send(app)
          return { setCookies, size: setCookies.reduce((sum, c) => sum + c.split(';')[0]!.length, 0) }
        } catch (error) {
          ok(error instanceof CookieTooLargeError)
          equal(error.code, 'ERR_COOKIE_TOO_LARGE')
          return { error, size: error.size }
        }
      }
      // Base64 lengths skip 4k+1, so a few name lengths are tried to land on 4096 and 4097.
      const hit = new Map<number, { name: string; n: number }>()
      for (const name of ['s', 'ss', 'sss']) {
        for (let n = 2998; n < 3010; n++) {
          const { size, setCookies } = await write(name, n)
          if (size === 4096 || size === 4097) hit.set(size, { name, n })
          equal(setCookies !== undefined, size <= 4096, `${name} ${n}: ${size}`)
        }
      }
      const at4096 = hit.get(4096)!
      const at4097 = hit.get(4097)!
      ok(at4096 && at4097, 'found both sizes')
      const exact = await write(at4096.name, at4096.n)
      equal(exact.setCookies!.length, 1)
      equal(exact.setCookies![0]!.split(';')[0]!.length, 4096)
      const over = await write(at4097.name, at4097.n)
      ok(over.error instanceof CookieTooLargeError)
      equal(over.error.size, 4097)
      equal(over.error.limit, 4096)
      // With chunking enabled the same 4097 bytes are split, every cookie within 4096.
      const chunked = await write(at4097.name, at4097.n, 3)
      equal(chunked.setCookies!.length, 2)
      for (const c of chunked.setCookies!) ok(c.split(';')[0]!.length <= 4096)
      const jar = new Jar().apply(chunked.setCookies!)
      const view = await expectValid(
        probe({ cookie: { name: at4097.name }, chunks: chunking(3) }),
        jar.header(),
      )
      equal((view.data.x as string).length, at4097.n)
      // Beyond the chunk cap: thrown with the size, and nothing half-written.
      const tooBig = await write('s', 30_000, 3)
      ok(tooBig.error instanceof CookieTooLargeError)
      ok(tooBig.error.size > tooBig.error.limit)
      equal(tooBig.error.limit, 3 * 4096)
    })

    test('the app set its own cookies already; the response is immutable (fetch() result)', async () => {
      const own = wrap((_r, s) => {
        s.set('n', 1)
        const res = new Response('body', { status: 201, headers: { 'x-app': '1' } })
        res.headers.append('set-cookie', 'theme=dark; Path=/')
        res.headers.append('set-cookie', 'lang=en; Path=/')
        return res
      })
      const sent = await send(own)
      equal(sent.response.status, 201)
      equal(sent.body, 'body')
      equal(sent.response.headers.get('x-app'), '1')
      equal(sent.setCookies.length, 3)
      equal(sent.setCookies[0], 'theme=dark; Path=/')
      equal(sent.setCookies[1], 'lang=en; Path=/')
      match(sent.setCookies[2]!, /^session=e2/)
      // Immutable headers: Response.redirect() and Response.error()-like guards cannot be
      // appended to; the wrapper re-wraps the response instead of crashing.
      const immutable = wrap((_r, s) => {
        s.set('n', 1)
        return Response.redirect('http://localhost/next', 303)
      })
      const redirect = await send(immutable)
      equal(redirect.response.status, 303)
      equal(redirect.response.headers.get('location'), 'http://localhost/next')
      equal(redirect.setCookies.length, 1)
      match(redirect.setCookies[0]!, /^session=e2/)
      // A network error cannot be re-created (status 0): it goes out as a network error.
      const failed = wrap((_r, s) => {
        s.set('n', 1)
        return Response.error()
      })
      equal((await failed(request())).type, 'error')
    })

    test('; \\r \\n or non-token characters in name, path, domain', () => {
      const handler = () => new Response(null)
      const bad = {
        name: [
          'a;b',
          'a b',
          'a\r',
          'a\n',
          'a\r\nSet-Cookie: x=1',
          'a=b',
          'a,b',
          '',
          'é',
          '"a"',
          '(a)',
          'a/b',
          'a\t',
          '\u0000',
        ],
        path: ['/a;b', '/a\r', '/a\nb', 'a', '', '/\u0000', '/\u007f', '/é', ' /'],
        domain: [
          'a;b.com',
          'exa mple.com',
          'a.com\r\n',
          '.',
          '..com',
          '-a.com',
          'a_b.com',
          'a.com;Secure',
          'a..b',
          'é.com',
          '',
        ],
      }
      for (const [field, values] of Object.entries(bad)) {
        for (const value of values) {
          const error = throws(
            () => withSession(handler, { secret: SECRET, cookie: { [field]: value } }),
            'ERR_COOKIE_OPTION',
          )
          ok(error instanceof ConfigurationError, `${field} ${JSON.stringify(value)}`)
        }
      }
      for (const [field, value] of [
        ['sameSite', 'lax; Secure'],
        ['sameSite', 'none\r\n'],
        ['priority', 'high; x'],
      ] as const) {
        throws(
          () => withSession(handler, { secret: SECRET, cookie: { [field]: value } } as SessionOptions),
          'ERR_COOKIE_OPTION',
        )
      }
      for (const value of [1, {}, null]) {
        throws(
          () =>
            withSession(handler, { secret: SECRET, cookie: { name: value } } as unknown as SessionOptions),
          'ERR_COOKIE_OPTION',
        )
      }
    })

    test('__Host- with Domain, Path≠/ or no Secure; __Secure- or Partitioned or SameSite=None without Secure', () => {
      const handler = () => new Response(null)
      const bad: SessionOptions['cookie'][] = [
        { name: '__Host-s', domain: 'example.com' },
        { name: '__Host-s', path: '/app' },
        { name: '__Host-s', secure: false },
        { name: '__host-s', secure: false },
        { name: '__HOST-s', domain: 'example.com' },
        { name: '__Secure-s', secure: false },
        { name: '__secure-s', secure: false },
        { partitioned: true, secure: false },
        { sameSite: 'None', secure: false },
        { sameSite: 'none', secure: false },
      ]
      for (const cookie of bad) {
        throws(() => withSession(handler, { secret: SECRET, cookie: cookie! }), 'ERR_COOKIE_OPTION')
      }
      for (const cookie of [
        { name: '__Host-s' },
        { name: '__Secure-s', domain: 'example.com', path: '/app' },
        { partitioned: true, sameSite: 'None' as const },
      ]) {
        withSession(handler, { secret: SECRET, cookie })
      }
    })

    test('destroy', async () => {
      const cookie = {
        path: '/app',
        domain: 'example.com',
        secure: true,
        partitioned: true,
        sameSite: 'None' as const,
      }
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname.endsWith('/out')) s.destroy()
          else s.set('x', 'q'.repeat(Number(new URL(req.url).searchParams.get('n') ?? 1)))
          return new Response(null)
        },
        { cookie, chunks: chunking(4) },
      )
      const attributes = (line: string) =>
        line
          .split(';')
          .slice(1)
          .map((a) => a.trim())
          .filter((a) => !a.startsWith('Max-Age'))
      for (const n of [1, 9000]) {
        const set = await send(app, undefined, `/app?n=${n}`)
        const jar = new Jar().apply(set.setCookies)
        const out = await send(app, jar.lines(), '/app/out')
        equal(out.setCookies.length, set.setCookies.length, 'every cookie cleared')
        for (const [i, line] of out.setCookies.entries()) {
          match(line, /; Max-Age=0;/)
          deepEqual(attributes(line), attributes(set.setCookies[i]!), 'same Path/Domain/Secure/Partitioned')
          equal(line.split('=')[0], set.setCookies[i]!.split('=')[0])
        }
        deepEqual(jar.apply(out.setCookies).names(), [])
      }
      // Destroying a session the request did not carry writes nothing.
      deepEqual((await send(app, undefined, '/app/out')).setCookies, [])
    })

    for (const mode of MODES) {
      test(`${mode}: session read but unchanged`, async () => {
        const cookie = await issue({ mode }, { user: 'ada', prefs: { theme: 'dark' }, list: [1, 2] })
        const app = wrap(
          (_r, s) => {
            const prefs = s.get('prefs') as { theme: string }
            const list = s.get('list') as number[]
            return Response.json({
              theme: prefs.theme,
              n: list.length,
              data: s.data,
              has: s.has('user'),
              missing: s.get('nope') ?? null,
              flash: s.flash('nope') ?? null,
              changed: s.isChanged,
            })
          },
          { mode, now: () => T0 + HOUR },
        )
        const sent = await send(app, cookie)
        deepEqual(sent.setCookies, [])
        equal(JSON.parse(sent.body).changed, false)
        equal(sent.response.headers.get('cache-control'), null)
        // Setting equal values is no change either.
        const same = wrap(
          (_r, s) => {
            s.set('user', 'ada')
            s.replace({ ...s.data } as SessionData)
            return new Response(null)
          },
          { mode, now: () => T0 + HOUR },
        )
        deepEqual((await send(same, cookie)).setCookies, [])
      })
    }

    test('every seal: a fresh random IV (10^5 seals, no repeat)', async () => {
      const n = env.full ? 100_000 : 10_000
      const ivs = new Set<string>()
      const ids = new Set<string>()
      // The real write path (Session, commit, Set-Cookie) without the cost of a Request per seal.
      const app = wrap((_r, s) => {
        s.set('same', 'data')
        ids.add(s.id)
        return new Response(null)
      })
      const req = request()
      for (let i = 0; i < n; i++) {
        const res = await app(req)
        const value = cookieValue(res.headers.getSetCookie()[0]!.split(';')[0]!)
        ivs.add(value.slice(7, 23)) // the first 12 bytes after the header: the IV
      }
      equal(ivs.size, n, 'IVs')
      equal(ids.size, n, 'session ids')
      console.log(`  [security] ${n} seals: ${ivs.size} distinct IVs, ${ids.size} distinct session ids`)
    })

    test('secret shorter than 32 bytes, empty, or a value copied from the docs', () => {
      const handler = () => new Response(null)
      const bad: unknown[] = [
        '',
        'short',
        'x'.repeat(31),
        'é'.repeat(15) + 'a',
        new Uint8Array(31),
        new Uint8Array(32),
        'a'.repeat(64),
        [],
        [SECRET, 'short'],
        ['short', SECRET],
        undefined,
        null,
        123,
        {},
        [null],
        ...PUBLISHED_SECRETS,
        [SECRET, ...PUBLISHED_SECRETS],
      ]
      for (const secret of bad) {
        const error = throws(() => withSession(handler, { secret } as SessionOptions), 'ERR_SECRET_INVALID')
        ok(error instanceof ConfigurationError, String(secret))
        ok(!String((error as Error).message).includes(SECRET), 'the message never echoes a secret')
      }
      ok(PUBLISHED_SECRETS.size > 0)
      withSession(handler, { secret: 'é'.repeat(16) })
      withSession(handler, { secret: crypto.getRandomValues(new Uint8Array(32)) })
    })

    test('responses that set a session cookie: Cache-Control: private unless the app chose otherwise', async () => {
      const app = (cache?: string) =>
        wrap((_r, s) => {
          s.set('n', 1)
          return new Response(null, cache ? { headers: { 'cache-control': cache } } : {})
        })
      equal((await send(app())).response.headers.get('cache-control'), 'private')
      equal((await send(app('no-store'))).response.headers.get('cache-control'), 'no-store')
      equal(
        (await send(app('private, max-age=0'))).response.headers.get('cache-control'),
        'private, max-age=0',
      )
      const redirect = wrap((_r, s) => {
        s.set('n', 1)
        return Response.redirect('http://localhost/', 302)
      })
      equal((await send(redirect)).response.headers.get('cache-control'), 'private', 'also when re-wrapped')
      const [cookie] = await issue()
      const reader = wrap((_r, s) => new Response(String(s.get('user'))))
      equal((await send(reader, cookie)).response.headers.get('cache-control'), null, 'no cookie, no header')
    })
  })

  describe('Beyond the list', () => {
    test('a bad cookie never seeds the next session: a write after EMPTY gets a fresh id, lifetime and data', async () => {
      const t = clock()
      const options = { maxAge: 3600, idleTimeout: 3600, now: t.now }
      const info = wrap((_r, s) => {
        if (!s.has('user')) s.set('visits', 1)
        return Response.json({ id: s.id, created: s.createdAt, isNew: s.isNew, data: s.data })
      }, options)
      const login = wrap((_r, s) => {
        s.set('user', 'ada')
        return Response.json({ id: s.id })
      }, options)
      const first = await send(login)
      const oldId = JSON.parse(first.body).id
      t.advance(HOUR) // expired
      const after = await send(info, first.cookie)
      const seen = JSON.parse(after.body)
      equal(seen.isNew, true)
      notEqual(seen.id, oldId, 'a new session id')
      equal(seen.created, T0 + HOUR, 'a new lifetime')
      deepEqual(seen.data, { visits: 1 }, 'nothing of the old data')
    })

    test('Set-Cookie values are cookie-octets whatever the session holds (no header injection)', async () => {
      const nasty = [
        '\r\nSet-Cookie: admin=1',
        '; Domain=evil.example',
        '", admin=1',
        '\u0000',
        'x'.repeat(500),
      ]
      const configs: Partial<SessionOptions>[] = [
        { mode: 'encrypted' },
        { mode: 'signed' },
        { chunks: chunking(3) },
      ]
      for (const options of configs) {
        const app = wrap((_r, s) => {
          for (const [i, v] of nasty.entries()) s.set(`${v}${i}`, v.repeat(options.chunks ? 10 : 1))
          return new Response(null)
        }, options)
        const { setCookies } = await send(app)
        ok(setCookies.length >= 1)
        for (const line of setCookies) {
          const [pair, ...attributes] = line.split('; ')
          match(cookieValue(pair!), /^(?:[1-9]~)?[A-Za-z0-9._-]+$/)
          ok(
            attributes.every((a) => /^(Max-Age=\d+|Path=\/|HttpOnly|Secure|SameSite=Lax)$/.test(a)),
            line,
          )
        }
      }
    })

    test('a clock that returns NaN fails closed: no cookie is accepted as unexpired', async () => {
      const cookie = await issue({ maxAge: 60, idleTimeout: 60 })
      const p = probe({ now: () => Number.NaN })
      await expectEmpty(p, cookie, 'payload')
    })

    test('documented limit: a copy of a cookie stays valid until it expires, even after logout', async () => {
      // No server state means no revocation (SECURITY.md). This test keeps that page honest: if
      // it ever fails, the library gained revocation and the page must change.
      const t = clock()
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname === '/logout') s.destroy()
          else s.set('user', 'ada')
          return new Response(null)
        },
        { now: t.now, maxAge: 3600, idleTimeout: 3600 },
      )
      const stolen = (await send(app)).cookie!
      const logout = await send(app, stolen, '/logout')
      match(logout.setCookies[0]!, /Max-Age=0/)
      t.advance(HOUR - 1)
      const p = probe({ now: t.now, maxAge: 3600, idleTimeout: 3600 })
      deepEqual((await expectValid(p, stolen)).data, { user: 'ada' }, 'replayed within its lifetime')
      t.advance(1)
      await expectEmpty(p, stolen, 'expired')
    })

    test('session fixation: regenerate() on login leaves a planted pre-login cookie anonymous', async () => {
      const app = wrap(
        (req, s) => {
          if (new URL(req.url).pathname === '/login') {
            s.regenerate()
            s.set('user', 'victim')
          } else s.set('visits', 1)
          return Response.json({ id: s.id })
        },
        { now: () => T0 },
      )
      const planted = await send(app) // the attacker's own anonymous session
      const loggedIn = await send(app, planted.cookie, '/login')
      notEqual(JSON.parse(loggedIn.body).id, JSON.parse(planted.body).id, 'a new id on login')
      const p = probe()
      deepEqual(
        (await expectValid(p, planted.cookie!)).data,
        { visits: 1 },
        'the planted cookie stays anonymous',
      )
      deepEqual((await expectValid(p, loggedIn.cookie!)).data, { visits: 1, user: 'victim' })
    })

    test('structural rejections cost no crypto: only a well-formed token of a configured key is checked', async () => {
      const p = probe()
      const tok = await token()
      const free = [
        'x',
        'e1AAAA.' + tok.slice(7),
        `s${tok.slice(1)}`,
        `e9${tok.slice(2)}`,
        `${tok.slice(0, 6)}`,
        `${tok.slice(0, 7)}!${tok.slice(8)}`,
        `${tok}=`,
        `9~${tok}`,
        'A'.repeat(5000),
      ]
      for (const value of free) {
        const counts = await countSubtle(() => expectEmpty(p, `session=${value}`, ANY_REASON))
        equal(counts.total, 0, value.slice(0, 20))
      }
    })

    test('Hono: the same guarantees through the middleware', async () => {
      const reasons: InvalidReason[] = []
      const hono = new Hono<SessionEnv>()
      hono.use(honoSession({ secret: SECRET, now: () => T0, onInvalid: (r) => reasons.push(r) }))
      hono.get('/', (c) => c.json({ isNew: c.var.session.isNew, data: c.var.session.data }))
      const tok = await token()
      const { value: results, printed } = await silenced(async () => {
        const out = []
        for (const value of [`${tok.slice(0, -2)}AA`, 'e1AAAA.x', '', '"x"', `s${tok.slice(1)}`]) {
          const res = await hono.request('/', { headers: { cookie: `session=${value}` } })
          out.push({
            status: res.status,
            setCookie: res.headers.getSetCookie().length,
            body: await res.json(),
          })
        }
        return out
      })
      deepEqual(printed, [])
      for (const r of results) deepEqual(r, { status: 200, setCookie: 0, body: { isNew: true, data: {} } })
      equal(reasons.length, results.length)
      const ok200 = await hono.request('/', { headers: { cookie: `session=${tok}` } })
      deepEqual(await ok200.json(), { isNew: false, data: { user: 'ada' } })
    })

    test('the key __proto__ written through the API is an ordinary key, never a prototype', async () => {
      // An app that uses a client-chosen key (`session.set(form.get('key'), …)`) must not let the
      // client change the data object's prototype, or make the session unwritable.
      const app = wrap(
        (_r, s) => {
          s.set('__proto__', { admin: true })
          s.set('n', 1)
          return Response.json({
            admin: s.get('admin') ?? null,
            dataAdmin: (s.data as { admin?: boolean }).admin ?? null,
            proto: s.get('__proto__'),
          })
        },
        { now: () => T0 },
      )
      const sent = await send(app)
      deepEqual(JSON.parse(sent.body), { admin: null, dataAdmin: null, proto: { admin: true } })
      const view = await expectValid(probe(), sent.cookie!)
      equal((view.data as { admin?: boolean }).admin, undefined)
      deepEqual(JSON.parse(JSON.stringify(view.data)), JSON.parse('{"__proto__":{"admin":true},"n":1}'))
      equal(({} as { admin?: boolean }).admin, undefined)
    })
  })
})
