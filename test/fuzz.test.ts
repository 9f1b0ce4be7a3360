// Fuzzing: 100,000 Cookie headers on Node 20 in CI (10,000 elsewhere), most of them real session
// cookies mutated the way a hostile client or a broken proxy would, the rest generated garbage,
// sent through wrapped handlers (withSession in both modes with chunking and compression, and the
// Hono middleware). Counted: exceptions, accepted forgeries (a session that opens but is not one
// we issued, or holds other data), non-2xx responses and Set-Cookie on a read-only app. All four
// must be zero. The seed is printed; `new Rng(seed)` replays a run.

import { Hono } from 'hono'
import type { InvalidReason, SessionOptions } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { session as honoSession, type SessionEnv } from 'sealed-session/hono'
import { canCompress } from '../src/core/deflate.ts'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { type App, Rng } from './attacker.ts'
import { describe, env, equal, ok, test } from './harness.ts'
import { OTHER_SECRET, request, SECRET, T0, wrap } from './helpers.ts'
import { Jar } from './jar.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SPECIAL = ';,= \t"\\%.~+/'
const utf8 = new TextEncoder()

/**
 * Session id -> JSON of the data it was issued with, for every target: targets sharing a secret,
 * cookie name and mode are one application, so one's cookies rightly open in another.
 */
const issued = new Map<string, string>()

interface Target {
  name: string
  app: App
  /** Cookie headers of the issued sessions (chunked ones span several cookies). */
  headers: string[]
  /** Every cookie value issued, to splice between sessions and targets. */
  values: string[]
}

const reasons = new Map<InvalidReason, number>()
const onInvalid = (reason: InvalidReason) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1)

/** Issues sessions under `options` and returns them with a read-only app of the same options. */
async function target(name: string, options: Partial<SessionOptions>, app?: App): Promise<Target> {
  const all = { secret: SECRET, now: () => T0, ...options }
  let next: Record<string, unknown> = {}
  const writer = wrap((_r, s) => {
    s.replace(next)
    issued.set(s.id, JSON.stringify(next))
    return new Response(null)
  }, all)
  const headers: string[] = []
  const values: string[] = []
  const rng = new Rng(1)
  for (let i = 0; i < 16; i++) {
    const big = options.chunks && i % 4 === 3
    next = {
      user: `user-${i}`,
      i,
      note: ['é', '😀', 'plain', '\u0000\u202e'][i % 4]!.repeat(i + 1),
      ...(big ? { blob: Array.from({ length: 2500 }, () => rng.pick(ALPHABET)).join('') } : {}),
      ...(i % 5 === 0 ? { list: Array.from({ length: 40 }, (_, k) => ({ k, v: 'repeat' })) } : {}),
    }
    const jar = new Jar().apply((await writer(request())).headers.getSetCookie())
    headers.push(jar.header())
    values.push(...jar.entries().map(([, v]) => v))
  }
  const reader =
    app ??
    wrap((_r, s) => Response.json({ isNew: s.isNew, id: s.id, data: s.data }), {
      ...all,
      now: () => T0 + 1000,
      onInvalid,
    })
  return { name, app: reader, headers, values }
}

/** A character a Cookie header can carry: anything up to U+00FF but NUL, CR and LF. */
function headerChar(rng: Rng): string {
  const roll = rng.int(10)
  if (roll < 5) return rng.pick(ALPHABET)
  if (roll < 8) return SPECIAL[rng.int(SPECIAL.length)]!
  let c = 0
  while (c === 0 || c === 10 || c === 13) c = rng.int(256)
  return String.fromCharCode(c)
}

/** Random Unicode as the UTF-8 bytes a server hands over (one Latin-1 character per byte). */
function unicodeBytes(rng: Rng, n: number): string {
  let text = ''
  for (let i = 0; i < n; i++) {
    let cp = rng.int(0x110000)
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    text += String.fromCodePoint(cp)
  }
  return String.fromCharCode(...utf8.encode(text)).replace(/[\0\r\n]/g, '?')
}

function randomString(rng: Rng, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += headerChar(rng)
  return s
}

/** One mutation of `s`, chosen at random. */
function mutate(rng: Rng, s: string, pool: readonly string[]): string {
  const at = rng.int(s.length + 1)
  const pairs = s.split('; ')
  switch (rng.int(16)) {
    case 0: // insert
      return s.slice(0, at) + randomString(rng, 1 + rng.int(3)) + s.slice(at)
    case 1: // delete one or a range
      return s.slice(0, at) + s.slice(at + 1 + (rng.chance(0.3) ? rng.int(40) : 0))
    case 2: // replace
      return s.slice(0, at) + headerChar(rng) + s.slice(at + 1)
    case 3: {
      // flip one bit of one character
      if (s.length === 0) return s
      const i = rng.int(s.length)
      const c = s.charCodeAt(i) ^ (1 << rng.int(8))
      return c === 0 || c === 10 || c === 13 || c > 255
        ? s
        : s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1)
    }
    case 4: // duplicate a cookie
      pairs.splice(rng.int(pairs.length + 1), 0, rng.pick(pairs))
      return pairs.join('; ')
    case 5: {
      // swap two cookies
      const i = rng.int(pairs.length)
      const j = rng.int(pairs.length)
      ;[pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!]
      return pairs.join('; ')
    }
    case 6: {
      // swap two ranges of characters
      const a = rng.int(s.length + 1)
      const b = a + rng.int(Math.max(1, s.length - a))
      const c = b + rng.int(Math.max(1, s.length - b))
      const d = c + rng.int(Math.max(1, s.length - c))
      return s.slice(0, a) + s.slice(c, d) + s.slice(b, c) + s.slice(a, b) + s.slice(d)
    }
    case 7: // truncate
      return s.slice(0, at)
    case 8: // extend
      return (
        s + (rng.chance(0.5) ? randomString(rng, 1 + rng.int(8)) : rng.pick(ALPHABET).repeat(1 + rng.int(8)))
      )
    case 9: {
      // rename a cookie: case, chunk index, prefix
      const names = [
        'session',
        'Session',
        'session.1',
        'session.2',
        'session.3',
        'session.9',
        'session.0',
        'sessio',
        'xsession',
        '',
      ]
      const i = rng.int(pairs.length)
      const eq = pairs[i]!.indexOf('=')
      pairs[i] = rng.pick(names) + (eq === -1 ? `=${pairs[i]}` : pairs[i]!.slice(eq))
      return pairs.join('; ')
    }
    case 10: // splice in a value from another session, or another target altogether
      pairs[rng.int(pairs.length)] =
        `${rng.pick(['session', 'session.1', 'session.2', 'session.3'])}=${rng.pick(pool)}`
      return pairs.join('; ')
    case 11: // the standard base64 alphabet, or padding
      return rng.chance(0.5)
        ? s.replaceAll('-', '+').replaceAll('_', '/')
        : s.slice(0, at) + '='.repeat(1 + rng.int(2)) + s.slice(at)
    case 12: {
      // percent-encode a range
      const end = at + 1 + rng.int(10)
      const encoded = [...s.slice(at, end)]
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join('')
      return s.slice(0, at) + encoded + s.slice(end)
    }
    case 13: {
      // quote a value
      const i = rng.int(pairs.length)
      const eq = pairs[i]!.indexOf('=')
      if (eq !== -1) pairs[i] = `${pairs[i]!.slice(0, eq + 1)}"${pairs[i]!.slice(eq + 1)}"`
      return pairs.join('; ')
    }
    case 14: // random Unicode, as UTF-8 bytes
      return s.slice(0, at) + unicodeBytes(rng, 1 + rng.int(6)) + s.slice(at)
    default: {
      // change a chunk count or its '~'
      const i = s.indexOf('~')
      if (i < 1) return s
      return rng.chance(0.5)
        ? s.slice(0, i - 1) + String(rng.int(10)) + s.slice(i)
        : s.slice(0, i) + headerChar(rng) + s.slice(i + 1)
    }
  }
}

/** A Cookie header for `t`: a mutated real one, generated garbage, or an oversized one. */
function generate(
  rng: Rng,
  t: Target,
  all: Target[],
  pool: readonly string[],
  ids: Record<string, string>,
): string | string[] {
  const roll = rng.int(100)
  let header: string
  if (roll < 60) {
    // A real header, with decoys around it, mutated 1 to 4 times.
    header = rng.pick(t.headers)
    if (rng.chance(0.3)) header = `a=1; ${header}; theme=dark`
    for (let n = 1 + rng.int(4); n > 0; n--) header = mutate(rng, header, pool)
  } else if (roll < 75) {
    // Shaped like our tokens, with real key ids, so the crypto runs and must refuse.
    const letter = rng.pick(['e', 's', 'E', 'S', 'e', 's'])
    const id = rng.pick(Object.values(ids))
    const segment = () => Array.from({ length: rng.int(120) }, () => rng.pick(ALPHABET)).join('')
    const body =
      letter.toLowerCase() === 's' && rng.chance(0.7)
        ? `${segment()}.${Array.from({ length: 32 }, () => rng.pick(ALPHABET)).join('')}.${Array.from({ length: 43 }, () => rng.pick(ALPHABET)).join('')}`
        : Array.from({ length: 52 + rng.int(400) }, () => rng.pick(ALPHABET)).join('')
    const token = `${letter}1${id}.${body}`
    if (rng.chance(0.2)) {
      // ...or cut into chunk cookies
      const cut = Math.floor(token.length / 2)
      header = `session=1~${token.slice(0, cut)}; session.1=${token.slice(cut)}`
    } else header = `session=${token}`
  } else if (roll < 85) {
    // Garbage: random header characters or random Unicode bytes.
    header = rng.chance(0.5) ? randomString(rng, rng.int(300)) : unicodeBytes(rng, rng.int(100))
    if (rng.chance(0.5)) header = `session=${header}`
  } else if (roll < 95) {
    // Real cookies mixed across sessions and targets.
    const a = rng.pick(t.headers).split('; ')
    const b = rng.pick(rng.pick(all).headers).split('; ')
    header = [...a, ...b].sort(() => rng.int(3) - 1).join('; ')
  } else {
    // Oversized: a 64 KiB value, thousands of cookies, or many copies of ours.
    const kind = rng.int(3)
    if (kind === 0) header = `session=${rng.pick(ALPHABET).repeat(4000 + rng.int(64 * 1024))}`
    else if (kind === 1)
      header = `${Array.from({ length: 2000 + rng.int(8000) }, (_, i) => `c${i}=v`).join('; ')}; ${rng.pick(t.headers)}`
    else header = Array.from({ length: 10 + rng.int(500) }, () => `session=${rng.pick(pool)}`).join('; ')
  }
  // Several Cookie header lines, as HTTP/2 may send them.
  return rng.chance(0.1) ? header.split('; ') : header
}

describe('fuzz', () => {
  test('100,000 generated and mutated Cookie headers: no exception, no forgery, no non-2xx', async () => {
    const total = env.full ? 100_000 : 10_000
    const compress = canCompress() ? compression() : undefined
    const hono = new Hono<SessionEnv>()
    const honoOptions = { secret: SECRET, now: () => T0 + 1000, onInvalid, cookie: { name: 'session' } }
    hono.use(honoSession(honoOptions))
    hono.get('*', (c) =>
      c.json({ isNew: c.var.session.isNew, id: c.var.session.id, data: c.var.session.data }),
    )
    const targets = [
      await target('encrypted, chunks, compress', { chunks: chunking(4), compress }),
      await target('signed, chunks', { mode: 'signed', chunks: chunking(3) }),
      await target('hono', {}, (r) => Promise.resolve(hono.fetch(r))),
      await target('rotated keys', { secret: [SECRET, OTHER_SECRET] }),
    ]
    const ids: Record<string, string> = {}
    for (const mode of ['encrypted', 'signed'] as const) {
      for (const secret of [SECRET, OTHER_SECRET]) {
        ids[`${mode} ${secret}`] = (await getKeyring(normalizeSecrets(secret), mode)).current.id
      }
    }
    const pool = targets.flatMap((x) => x.values)
    const rng = new Rng()
    const counts = { exceptions: 0, forgeries: 0, non2xx: 0, setCookie: 0, genuine: 0, rejected: 0 }
    const examples: string[] = []
    const note = (what: string, header: string | string[]) => {
      if (examples.length < 5) examples.push(`${what}: ${JSON.stringify(header).slice(0, 300)}`)
    }
    reasons.clear()
    for (let i = 0; i < total; i++) {
      const t = targets[i % targets.length]!
      const header = generate(rng, t, targets, pool, ids)
      let res: Response
      try {
        res = await t.app(request('/', header))
      } catch (error) {
        counts.exceptions++
        note(`exception ${String(error)}`, header)
        continue
      }
      if (res.status < 200 || res.status > 299) {
        counts.non2xx++
        note(`status ${res.status}`, header)
      }
      if (res.headers.getSetCookie().length > 0) {
        counts.setCookie++
        note('Set-Cookie', header)
      }
      const seen = (await res.json()) as { isNew: boolean; id: string; data: unknown }
      if (seen.isNew) counts.rejected++
      else if (issued.get(seen.id) === JSON.stringify(seen.data)) counts.genuine++
      else {
        counts.forgeries++
        note('forgery', header)
      }
    }
    const byReason = [...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`)
    console.log(
      `  [fuzz] ${total} Cookie headers (seed ${rng.seed}): ${counts.exceptions} exceptions, ` +
        `${counts.forgeries} accepted forgeries, ${counts.non2xx} non-2xx, ${counts.setCookie} Set-Cookie; ` +
        `${counts.genuine} genuine sessions accepted, ${counts.rejected} rejected (${byReason.join(', ')})`,
    )
    for (const e of examples) console.log(`  [fuzz] ${e}`)
    equal(counts.exceptions, 0, 'exceptions')
    equal(counts.forgeries, 0, 'accepted forgeries')
    equal(counts.non2xx, 0, 'non-2xx responses')
    equal(counts.setCookie, 0, 'Set-Cookie from a read-only app')
    // The run reached every layer: some inputs still opened, the crypto refused others.
    ok(counts.genuine > total / 50, 'genuine sessions among the inputs')
    for (const r of ['malformed', 'tampered', 'oversize', 'chunks', 'unknown-key'] as const) {
      ok((reasons.get(r) ?? 0) > 0, `some inputs rejected as ${r}`)
    }
  })
})
