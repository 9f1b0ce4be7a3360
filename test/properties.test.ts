// Property tests (fast-check): the guarantees that must hold for every input, not just the ones
// a person thought of. 10,000 runs per property on Node 20 in CI (test/run.mjs sets env.full there), 1,000 elsewhere; each run makes one
// or two crypto calls so the budget stays in seconds. A failure prints fast-check's seed and
// shrunk counterexample, which replays with `{ seed, path }`.

import * as fc from 'fast-check'
import { CookieTooLargeError, type Mode, type SessionOptions } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { readSessionCookies } from '../src/core/cookie.ts'
import { canCompress } from '../src/core/deflate.ts'
import { base64urlDecode, base64urlEncode } from '../src/core/encoding.ts'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { unseal } from '../src/core/token.ts'
import type { App } from './attacker.ts'
import { deepEqual, describe, env, equal, match, ok, test } from './harness.ts'
import { cookieValue, OLD_SECRET, OTHER_SECRET, request, SECRET, T0, wrap } from './helpers.ts'
import { Jar } from './jar.ts'

const MODES = ['encrypted', 'signed'] as const
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SECRETS = [SECRET, OLD_SECRET, OTHER_SECRET]
const ran: string[] = []

function runs(): number {
  return env.full ? 10_000 : 1_000
}

/** Runs `property` the configured number of times and records the count for the summary line. */
async function check(name: string, property: Parameters<typeof fc.assert>[0]) {
  const numRuns = runs()
  try {
    await fc.assert(property, { numRuns })
  } catch (error) {
    // fast-check keeps the failing assertion as `cause`; the harness prints only the message.
    const cause = (error as { cause?: unknown }).cause
    if (error instanceof Error && cause instanceof Error) error.message = `${cause.message}\n${error.message}`
    throw error
  }
  ran.push(`${name} ${numRuns}`)
  console.log(`  [properties] ${name}: ${numRuns} runs`)
}

/** Every configuration a token can be written under. */
function configs(): Partial<SessionOptions>[] {
  const out: Partial<SessionOptions>[] = []
  for (const mode of MODES) {
    out.push({ mode })
    if (canCompress()) out.push({ mode, compress: compression() })
    out.push({ mode, chunks: chunking(4) })
  }
  return out
}

/** An app writing `data` into a new session, and one reporting what a request's session holds. */
function pair(options: Partial<SessionOptions>) {
  let next: Record<string, unknown> = {}
  let seen: { isNew: boolean; data: unknown } = { isNew: true, data: {} }
  const all = { now: () => T0, ...options }
  const writer = wrap((_r, s) => {
    s.replace(next)
    return new Response(null)
  }, all)
  const reader = wrap((_r, s) => {
    seen = { isNew: s.isNew, data: s.data }
    return new Response(null)
  }, all)
  return {
    /** Set-Cookie values of a write of `data`, into a new session or the one `cookie` carries. */
    async write(data: Record<string, unknown>, cookie?: string): Promise<string[]> {
      next = data
      return (await writer(request('/', cookie))).headers.getSetCookie()
    },
    async read(cookie: string | readonly string[]) {
      const res = await reader(request('/', cookie))
      ok(res.headers.getSetCookie().length === 0 || !seen.isNew, 'no Set-Cookie for a rejected cookie')
      return seen
    },
  }
}

/** The `name=value` pairs of Set-Cookie values, as one Cookie header. */
function pairs(setCookies: readonly string[]): string {
  return setCookies.map((c) => c.split(';')[0]!).join('; ')
}

/** Strings of UTF-16 code units: lone surrogates, controls, everything. */
const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) })
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), utf16, fc.string())

/** Characters a Cookie header can carry (Fetch refuses NUL, CR, LF and anything above U+00FF). */
const headerChar = fc.oneof(
  fc.constantFrom(...ALPHABET, '.', '~', ';', ',', '=', ' ', '"', '\\', '%', '\t'),
  fc
    .integer({ min: 1, max: 255 })
    .filter((c) => c !== 10 && c !== 13)
    .map((c) => String.fromCharCode(c)),
)

/** Valid cookies under every configuration, made once. */
async function samples() {
  const out: { options: Partial<SessionOptions>; jar: Jar; read: ReturnType<typeof pair>['read'] }[] = []
  for (const options of configs()) {
    const p = pair(options)
    // Big enough to span several cookies when chunked, repetitive enough to be compressed.
    const data = options.chunks
      ? { user: 'ada', blob: base64urlEncode(crypto.getRandomValues(new Uint8Array(6000))) }
      : { user: 'ada', note: 'é😀'.repeat(40), n: 1 }
    const jar = new Jar().apply(await p.write(data))
    ok(options.chunks ? jar.names().length > 1 : jar.names().length === 1)
    ok(!(await p.read(jar.header())).isNew, 'the sample itself is valid')
    out.push({ options, jar, read: p.read })
  }
  return out
}

/** The reference Cookie parser the real one is checked against: split, trim, compare. */
function modelCookies(header: string | null, name: string, limit: number) {
  const values: string[] = []
  const chunks: string[][] = Array.from({ length: 9 }, () => [])
  let anyChunk = false
  if (!header) return { values, chunks: undefined }
  // Pairs are split on ';' only (RFC 6265bis section 5.4): a ',' belongs to a value.
  for (const raw of header.split(';')) {
    const segment = raw.replace(/^[ \t]*/, '')
    if (!segment.startsWith(name)) continue
    let rest = segment.slice(name.length)
    let list: string[] | undefined = values.length < limit ? values : undefined
    const chunk = /^\.([1-9])/.exec(rest)
    if (chunk) {
      anyChunk = true
      const found = chunks[Number(chunk[1]) - 1]!
      list = found.length < 2 ? found : undefined
      rest = rest.slice(2)
    }
    rest = rest.replace(/^ */, '')
    if (list && rest.startsWith('=')) list.push(rest.slice(1).trim())
  }
  return { values, chunks: anyChunk ? chunks : undefined }
}

describe('properties', () => {
  test('seal/unseal round trip for arbitrary JSON data, including non-ASCII, in every configuration', async () => {
    const apps = configs().map(pair)
    // jsonValue may hold -0, which JSON writes as 0 and the strict serializer refuses.
    const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((v) => JSON.parse(JSON.stringify(v)))
    const data = fc.dictionary(text, json, { maxKeys: 8 })
    await check(
      'round trip',
      fc.asyncProperty(fc.nat(apps.length - 1), data, async (which, value) => {
        const app = apps[which]!
        let cookies: string[]
        try {
          cookies = await app.write(value)
        } catch (error) {
          // Data too large for the configuration: refused whole, which is the size property's.
          if (error instanceof CookieTooLargeError) return
          throw error
        }
        const seen = await app.read(new Jar().apply(cookies).header())
        equal(seen.isNew, Object.keys(value).length === 0)
        // JSON's own normalisations (-0 to 0) are the expected value; nothing else may change.
        deepEqual(seen.data, JSON.parse(JSON.stringify(value)))
      }),
    )
  })

  test('any single-character change anywhere in any cookie of a session is rejected', async () => {
    const all = await samples()
    await check(
      'single-character change',
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.nat(),
        headerChar,
        async (which, cookieIndex, position, c) => {
          const { jar, read } = all[which]!
          const [name, value] = jar.entries()[cookieIndex % jar.names().length]!
          const at = position % value.length
          fc.pre(value[at] !== c)
          const forged = jar.with(name, value.slice(0, at) + c + value.slice(at + 1))
          equal((await read(forged.header())).isNew, true)
        },
      ),
    )
  })

  test('any single-bit change in a token, in its bytes or its characters, is rejected', async () => {
    const all = (await samples()).filter((s) => !s.options.chunks)
    await check(
      'single-bit change',
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        async (which, at, bit, inBytes) => {
          const { jar, read, options } = all[which]!
          const name = jar.names()[0]!
          const tok = jar.get(name)!
          let forged: string
          if (inBytes) {
            // Decode a segment, flip one bit, re-encode canonically: only the crypto can notice.
            const parts = tok.split('.')
            const index = 1 + (at % (parts.length - 1))
            const raw = base64urlDecode(parts[index]!)!
            const flip = bit % (raw.length * 8)
            raw[flip >> 3]! ^= 1 << (flip & 7)
            parts[index] = base64urlEncode(raw)
            forged = parts.join('.')
          } else {
            const i = at % tok.length
            const c = String.fromCharCode(tok.charCodeAt(i) ^ (1 << (bit % 8)))
            fc.pre(!/[\0\r\n]/.test(c))
            forged = tok.slice(0, i) + c + tok.slice(i + 1)
          }
          equal((await read(`${name}=${forged}`)).isNew, true, JSON.stringify(options))
        },
      ),
    )
  })

  test('any truncation or extension of a token is rejected', async () => {
    const all = await samples()
    const rings = new Map<Mode, Awaited<ReturnType<typeof getKeyring>>>()
    for (const mode of MODES) rings.set(mode, await getKeyring(normalizeSecrets(SECRET), mode))
    const octet = fc.constantFrom(...ALPHABET, '.', '~', '=', '"', '%', '\\')
    await check(
      'truncation or extension',
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.nat(),
        fc.oneof(fc.string({ unit: octet, minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 })),
        fc.constantFrom('truncate', 'append', 'prepend', 'unseal-append', 'unseal-prepend'),
        async (which, cookieIndex, length, extra, how) => {
          const { jar, read, options } = all[which]!
          const [name, value] = jar.entries()[cookieIndex % jar.names().length]!
          if (how.startsWith('unseal')) {
            // The token layer directly, with any string at all, whitespace and separators included.
            const whole = jar
              .entries()
              .map(([, v]) => v)
              .join('')
              .replace(/^\d~/, '')
            const mode = options.mode ?? 'encrypted'
            const forged = how === 'unseal-append' ? whole + extra : extra + whole
            equal((await unseal(forged, rings.get(mode)!, mode, 'session')).ok, false)
            return
          }
          // In a Cookie header, only cookie-octets extend a value (';' starts another cookie and
          // surrounding whitespace is not part of a value).
          fc.pre(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/.test(extra))
          const forged =
            how === 'truncate'
              ? value.slice(0, length % value.length)
              : how === 'append'
                ? value + extra
                : extra + value
          equal((await read(jar.with(name, forged).header())).isNew, true)
        },
      ),
    )
  })

  test('tokens never cross keys, cookie names or modes', async () => {
    const name = fc
      .stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,10}$/)
      // Prefixed names need Secure (the default), and chunk-shaped names are refused at setup.
      .filter((n) => !/^__(host|secure)-/i.test(n) && !/\.[1-9]$/.test(n))
    const secrets = fc.constantFrom<string[]>([SECRET], [OLD_SECRET], [OTHER_SECRET], [SECRET, OLD_SECRET])
    const side = fc.record({ mode: fc.constantFrom(...MODES), name, secret: secrets })
    const apps = new Map<string, ReturnType<typeof pair>>()
    const app = (mode: Mode, cookie: string, secret: string[]) => {
      const key = JSON.stringify([mode, cookie, secret])
      let found = apps.get(key)
      if (!found) {
        if (apps.size > 512) apps.clear()
        found = pair({ mode, secret, cookie: { name: cookie } })
        apps.set(key, found)
      }
      return found
    }
    await check(
      'no crossing',
      fc.asyncProperty(side, side, async (a, b) => {
        const sealedWith = a.secret[0]!
        fc.pre(!(a.mode === b.mode && a.name === b.name && b.secret.includes(sealedWith)))
        const [set] = await app(a.mode, a.name, a.secret).write({ user: 'ada' })
        const seen = await app(b.mode, b.name, b.secret).read(`${b.name}=${cookieValue(set!.split(';')[0]!)}`)
        equal(seen.isNew, true, `${JSON.stringify(a)} -> ${JSON.stringify(b)}`)
      }),
    )
    ok(SECRETS.length === 3)
  })

  test('the Cookie parser never throws on arbitrary strings and agrees with a reference parser', async () => {
    // Mostly header-shaped input, so names, separators and whitespace meet in every way.
    const ws = fc.constantFrom('', ' ', '\t', '  ', ' \t')
    const cookieLike = fc.oneof(
      fc.constantFrom('session', 'session.1', 'session.9', 'session.0', 'session.10', 'session.', 'sessio'),
      fc.constantFrom('sessionx', 'Session', 's', 'x', 'a.b', 'a.b.2', '__Host-x', ''),
      fc.string({ unit: headerChar, maxLength: 6 }),
    )
    const segment = fc
      .tuple(
        ws,
        cookieLike,
        ws,
        fc.constantFrom('=', '', '=='),
        fc.string({ unit: headerChar, maxLength: 8 }),
        ws,
      )
      .map((parts) => parts.join(''))
    const separator = fc.constantFrom(';', '; ', ',', ', ', ';;', '')
    const structured = fc
      .array(fc.tuple(segment, separator), { maxLength: 8 })
      .map((list) => list.map(([seg, sep]) => seg + sep).join(''))
    const header = fc.oneof(
      { arbitrary: structured, weight: 6 },
      fc.string({ unit: 'binary' }),
      utf16,
      fc.constant(null),
    )
    const cookieName = fc.oneof(fc.constant('session'), fc.constantFrom('s', 'a.b', '__Host-x', 'x'))
    await check(
      'Cookie parser',
      fc.property(header, cookieName, fc.integer({ min: 1, max: 6 }), (h, name, limit) => {
        const found = readSessionCookies(h, name, limit)
        deepEqual(found, modelCookies(h, name, limit))
        ok(found.values.length <= limit)
        for (const list of found.chunks ?? []) ok(list.length <= 2)
      }),
    )
    // And whole requests with arbitrary header bytes: never a throw, never a session.
    const app = pair({})
    await check(
      'arbitrary Cookie header through withSession',
      fc.asyncProperty(fc.string({ unit: headerChar, maxLength: 200 }), async (h) => {
        equal((await app.read(h)).isNew, true)
      }),
    )
  })

  test('the size limit holds for arbitrary data: every cookie within 4096 bytes, or a throw and nothing written', async () => {
    const utf8 = new TextEncoder()
    const cookieName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/)
    const options = fc.record({
      mode: fc.constantFrom(...MODES),
      chunks: fc.integer({ min: 1, max: 4 }).map((n) => chunking(n)),
      compress: fc.boolean().map((c) => (c && canCompress() ? compression() : undefined)),
    })
    const size = fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 2900, max: 3100 }))
    const apps = new Map<string, App>()
    let next = ''
    await check(
      'size limit',
      fc.asyncProperty(
        options,
        cookieName,
        size,
        fc.constantFrom('a', 'é', '😀', 'random'),
        async (o, name, n, fill) => {
          const value =
            fill === 'random' ? base64urlEncode(crypto.getRandomValues(new Uint8Array(n))) : fill.repeat(n)
          const key = JSON.stringify([o, name])
          let app = apps.get(key)
          if (!app) {
            if (apps.size > 256) apps.clear()
            app = wrap(
              (_r, s) => {
                s.set('v', next)
                return new Response(null)
              },
              { ...o, cookie: { name }, now: () => T0 },
            )
            apps.set(key, app)
          }
          let setCookies: string[]
          next = value
          try {
            setCookies = (await app(request())).headers.getSetCookie()
          } catch (error) {
            ok(error instanceof CookieTooLargeError, String(error))
            ok(error.size > error.limit)
            equal(error.limit, o.chunks.max * 4096)
            return
          }
          const written = setCookies.filter((c) => !/; Max-Age=0;/.test(c))
          ok(
            written.length >= 1 && written.length <= o.chunks.max,
            `${written.length} cookies for ${o.chunks.max}`,
          )
          for (const line of written) {
            const pairText = line.split(';')[0]!
            ok(utf8.encode(pairText).length <= 4096, `${utf8.encode(pairText).length} bytes`)
            match(cookieValue(pairText), /^(?:[1-9]~)?[A-Za-z0-9._-]+$/)
          }
        },
      ),
    )
  })

  test('a session is valid exactly until the earlier of its absolute and idle deadlines', async () => {
    const t = { now: T0 }
    const apps = new Map<string, ReturnType<typeof pair>>()
    const SKEW = 60_000
    await check(
      'lifetimes',
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        // A write some time after login (when the session is still alive), or none.
        fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
        // Anywhere in time, or within 2 ms of a deadline or of the clock-skew allowance.
        fc.oneof(
          fc.record({ from: fc.constant('start'), by: fc.integer({ min: -120_000, max: 2_000_000_000 }) }),
          fc.record({ from: fc.constantFrom('deadline', 'skew'), by: fc.integer({ min: -2, max: 2 }) }),
        ),
        fc.constantFrom(...MODES),
        async (maxAge, idle, rewrite, offset, mode) => {
          const key = `${maxAge}/${idle}/${mode}`
          let p = apps.get(key)
          if (!p) {
            if (apps.size > 256) apps.clear()
            p = pair({ mode, maxAge, idleTimeout: idle, now: () => t.now })
            apps.set(key, p)
          }
          const idleMs = Math.min(idle, maxAge) * 1000
          t.now = T0
          let cookies = await p.write({ n: 1 })
          let touched = T0
          if (typeof rewrite === 'number') {
            touched = T0 + Math.floor(rewrite * idleMs)
            t.now = touched
            cookies = await p.write({ n: 2 }, pairs(cookies))
            equal(cookies.length, 1, 'rewritten')
          }
          // The model: alive from `touched - skew` until the earlier deadline, exclusive.
          const deadline = Math.min(T0 + maxAge * 1000, touched + idleMs)
          const now =
            offset.from === 'start'
              ? T0 + offset.by
              : offset.from === 'skew'
                ? touched - SKEW + offset.by
                : deadline + offset.by
          const valid = now >= touched - SKEW && now < deadline
          t.now = now
          // Sent back whatever Max-Age said (a replaying client ignores it): the server decides.
          equal((await p.read(pairs(cookies))).isNew, !valid, `at ${now - T0} ms`)
        },
      ),
    )
  })

  test('base64url is canonical: decode(encode(b)) = b, and decode(s) defined implies encode(decode(s)) = s', async () => {
    await check(
      'base64url',
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.string({ unit: fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '.'), maxLength: 40 }),
        (b, s) => {
          deepEqual(base64urlDecode(base64urlEncode(b)), b)
          const decoded = base64urlDecode(s)
          if (decoded !== undefined) equal(base64urlEncode(decoded), s)
        },
      ),
    )
    console.log(
      `  [properties] total: ${ran.length} properties, ${ran.map((r) => r.split(' ').at(-1)).join(' + ')} runs`,
    )
  })
})
