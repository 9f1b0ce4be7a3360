// One-off tokens (sealed-session/seal): the public API through the package's own names, so the
// packed-tarball run tests the published build; the frozen vectors through src/, where the
// test-only IV hook lives.
import * as main from 'sealed-session'
import { SerializationError } from 'sealed-session'
import { createSealer, type SealOptions, seal, type UnsealReason, unseal } from 'sealed-session/seal'
import { base64urlDecode, base64urlEncode } from '../src/core/encoding.ts'
import { PUBLISHED_SECRETS } from '../src/core/keys.ts'
import { setNextIvForTests } from '../src/core/testing.ts'
import { createSealer as createSealerFromSource } from '../src/features/seal.ts'
import { expectEmpty, probe } from './attacker.ts'
import { formatKey } from './format-keys.ts'
import { deepEqual, describe, equal, match, ok, rejects, test, throws } from './harness.ts'
import { countSubtle, OLD_SECRET, OTHER_SECRET, SECRET, send, T0, wrap } from './helpers.ts'
import vectors from './seal-vectors.json' with { type: 'json' }

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const te = new TextEncoder()

const options = (extra: Partial<SealOptions> = {}): SealOptions => ({
  secret: SECRET,
  purpose: 'magic-link',
  now: () => T0,
  ...extra,
})

async function reason(token: unknown, extra: Partial<SealOptions> = {}): Promise<UnsealReason | 'ok'> {
  const result = await unseal(token, options(extra))
  return result.ok ? 'ok' : result.reason
}

/** A token written from docs/FORMAT.md alone, carrying any plaintext bytes after the expiry. */
async function forge(body: Uint8Array, expiresAt: number, purpose = 'magic-link'): Promise<string> {
  const { id, key } = await formatKey(SECRET, 'seal aes-256-gcm', ['encrypt'])
  const header = `t1${id}`
  const plaintext = new Uint8Array(6 + body.length)
  new DataView(plaintext.buffer).setUint16(0, Math.floor(expiresAt / 2 ** 32))
  new DataView(plaintext.buffer).setUint32(2, expiresAt % 2 ** 32)
  plaintext.set(body, 6)
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: te.encode(header + purpose) },
      key,
      plaintext,
    ),
  )
  const raw = new Uint8Array(12 + sealed.length)
  raw.set(iv)
  raw.set(sealed, 12)
  return `${header}.${base64urlEncode(raw)}`
}

describe('seal', () => {
  test('frozen vectors: a fixed IV and clock reproduce the committed tokens, which open', async () => {
    for (const v of vectors) {
      const sealer = createSealerFromSource({
        secret: v.secret,
        purpose: v.purpose,
        ttl: v.ttl,
        now: () => v.now,
      })
      setNextIvForTests(base64urlDecode(v.iv)!)
      equal(await sealer.seal(v.data), v.token, v.purpose)
      const opened = await unseal(v.token, { secret: v.secret, purpose: v.purpose, now: () => v.now })
      ok(opened.ok, `${v.purpose} opens`)
      deepEqual(opened.data, v.data)
      equal(opened.expiresAt, v.expiresAt)
    }
  })

  test('the test IV hook applies to one seal only', async () => {
    const sealer = createSealerFromSource(options())
    setNextIvForTests(new Uint8Array(12))
    const fixed = await sealer.seal(1)
    const next = await sealer.seal(1)
    ok(fixed.startsWith(`${fixed.slice(0, 7)}AAAAAAAAAAAAAAAA`))
    ok(!next.slice(7).startsWith('AAAAAAAAAAAAAAAA'), 'the next seal draws a random IV again')
  })

  test('vectors follow docs/FORMAT.md: an independent WebCrypto reader opens them', async () => {
    for (const v of vectors) {
      const { id, key } = await formatKey(v.secret, 'seal aes-256-gcm', ['decrypt'])
      const header = `t1${id}`
      ok(v.token.startsWith(`${header}.`), 'header is t, version 1, key id')
      match(v.token, /^[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]+$/)
      const raw = base64urlDecode(v.token.slice(7))!
      equal(base64urlEncode(raw.subarray(0, 12)), v.iv, 'the IV comes first')
      const plaintext = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: raw.subarray(0, 12), additionalData: te.encode(header + v.purpose) },
          key,
          raw.subarray(12),
        ),
      )
      const view = new DataView(plaintext.buffer)
      equal(view.getUint16(0) * 2 ** 32 + view.getUint32(2), v.expiresAt, 'expiry: big-endian uint48 ms')
      equal(new TextDecoder().decode(plaintext.subarray(6)), JSON.stringify(v.data), 'then the JSON')
      equal(v.expiresAt, v.now + v.ttl * 1000)
      equal(v.token.length, 7 + Math.ceil(((12 + plaintext.length + 16) * 4) / 3), 'length formula')
    }
  })

  test('seal, unseal and createSealer are exported from the main entry and the subpath alike', () => {
    equal(main.seal, seal)
    equal(main.unseal, unseal)
    equal(main.createSealer, createSealer)
  })

  test('round-trips JSON values, including emoji and other non-ASCII text', async () => {
    const values: unknown[] = [
      { email: 'ada@example.com' },
      { note: 'caf\u00e9 \u4e2d\u6587 \u{1F600}\u{1F44D}\u{1F3FD} \u0000 "quoted" \\' },
      '\u{1F600}',
      42.5,
      0,
      null,
      true,
      [1, 'two', { three: [3] }],
      { nested: { deep: { deeper: ['x'] } }, empty: {}, list: [] },
    ]
    for (const data of values) {
      const token = await seal(data, options())
      const opened = await unseal(token, options())
      ok(opened.ok, JSON.stringify(data))
      deepEqual(opened.data, data)
    }
  })

  test('tokens are URL-safe as they are: base64url and one dot, nothing to escape', async () => {
    for (const data of [{ a: 1 }, 'x'.repeat(1000), '\u{1F600}'.repeat(50)]) {
      const token = await seal(data, options())
      match(token, /^t1[A-Za-z0-9_-]{4}\.[A-Za-z0-9_-]+$/)
      equal(encodeURIComponent(token), token)
    }
  })

  test('expiresAt is now + ttl; ttl defaults to one hour', async () => {
    const opened = await unseal(await seal('x', options({ ttl: 15 * 60 })), options())
    ok(opened.ok)
    equal(opened.expiresAt, T0 + 15 * 60 * 1000)
    const byDefault = await unseal(await seal('x', options()), options())
    ok(byDefault.ok)
    equal(byDefault.expiresAt, T0 + 3600 * 1000)
  })

  test('expiry is exact: valid 1 ms before expiresAt, expired at it and after', async () => {
    const token = await seal({ a: 1 }, options({ ttl: 60 }))
    const at = T0 + 60_000
    equal(await reason(token, { now: () => at - 1 }), 'ok')
    equal(await reason(token, { now: () => at }), 'expired')
    equal(await reason(token, { now: () => at + 1 }), 'expired')
    equal(await reason(token, { now: () => Number.NaN }), 'expired', 'a broken clock fails closed')
    // A fractional-second ttl still gives whole milliseconds.
    const short = await unseal(await seal(1, options({ ttl: 0.0004 })), options({ now: () => T0 }))
    ok(short.ok)
    equal(short.expiresAt, T0 + 1)
  })

  test('one character changed at every position, to every other character, fails without throwing', async () => {
    const token = await seal({ user: 'u_42' }, options())
    let tried = 0
    for (let i = 0; i < token.length; i++) {
      for (const c of `${ALPHABET};,="\\% .`) {
        if (c === token[i]) continue
        const r = await reason(token.slice(0, i) + c + token.slice(i + 1))
        notOk(r, `a change at ${i} to ${c}`)
        tried++
      }
    }
    ok(tried > token.length * 60)
  })

  test('every truncation and extension fails', async () => {
    const token = await seal({ user: 'u_42' }, options())
    for (let n = 0; n < token.length; n++) notOk(await reason(token.slice(0, n)), `length ${n}`)
    for (const extra of ['A', 'AA', 'AAA', 'AAAA', '.', '.AAAA', '=', '==', ' ', '\n', '%3D'])
      notOk(await reason(token + extra), `extended by ${JSON.stringify(extra)}`)
    notOk(await reason(` ${token}`), 'leading space')
    notOk(await reason(`${token.slice(0, 7)}.${token.slice(7)}`), 'extra separator')
  })

  test('a bit flipped anywhere in the IV, ciphertext or tag is tampered', async () => {
    const token = await seal({ user: 'u_42' }, options())
    const raw = base64urlDecode(token.slice(7))!
    for (let bit = 0; bit < raw.length * 8; bit++) {
      const flipped = raw.slice()
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      equal(await reason(`${token.slice(0, 7)}${base64urlEncode(flipped)}`), 'tampered', `bit ${bit}`)
    }
  })

  test('the header is checked: letter, version and key id', async () => {
    const token = await seal(1, options())
    equal(await reason(`t2${token.slice(2)}`), 'version')
    equal(await reason(`T1${token.slice(2)}`), 'malformed')
    equal(await reason(`e1${token.slice(2)}`), 'malformed')
    equal(await reason(`${token.slice(0, 2)}AAAA${token.slice(6)}`), 'unknown-key')
  })

  test('a token sealed for one purpose never opens for another', async () => {
    const token = await seal({ email: 'ada@example.com' }, options({ purpose: 'email-verify' }))
    equal(await reason(token, { purpose: 'email-verify' }), 'ok')
    for (const other of [
      'reset-password',
      'email-verif',
      'email-verify ',
      'Email-verify',
      'email-verify\u0000',
    ])
      equal(await reason(token, { purpose: other }), 'tampered', other)
  })

  test('a session cookie given to unseal fails, even with the header letter rewritten', async () => {
    const app = wrap<{ user: string }>((_r, session) => {
      session.set('user', 'ada')
      return new Response('ok')
    })
    const { cookie } = await send(app)
    const value = cookie!.slice(cookie!.indexOf('=') + 1)
    equal(await reason(value), 'malformed')
    // Same secret, but sessions derive other keys with other ids: no key of ours answers. (The
    // session format's version is 2, so the one-off reader first sees an unknown version.)
    equal(await reason(`t1${value.slice(2)}`), 'unknown-key')
  })

  test('a one-off token given to a session (same secret, withSession) is an empty session', async () => {
    const p = probe()
    const token = await seal({ user: 'ada' }, options())
    await expectEmpty(p, `session=${token}`, 'malformed')
    // Even as an encrypted-session header: the session key ids differ, so no key is tried.
    await expectEmpty(p, `session=e${token.slice(1)}`, 'unknown-key')
  })

  test('a wrong secret gives unknown-key; key ids pick the key, no trial decryption', async () => {
    const token = await seal(1, options())
    equal(await reason(token, { secret: OTHER_SECRET }), 'unknown-key')
    const calls = await countSubtle(() => reason(token, { secret: OTHER_SECRET }))
    equal(calls.total, 0)
  })

  test('rotation: the first secret seals, every listed secret opens, a removed one is unknown-key', async () => {
    const old = await seal({ v: 'old' }, options({ secret: OLD_SECRET }))
    equal(await reason(old, { secret: [SECRET, OLD_SECRET] }), 'ok', 'an older key still opens')
    const fresh = await seal({ v: 'new' }, options({ secret: [SECRET, OLD_SECRET] }))
    equal(await reason(fresh, { secret: SECRET }), 'ok', 'the newest key sealed it')
    equal(await reason(fresh, { secret: OLD_SECRET }), 'unknown-key')
    equal(await reason(old, { secret: SECRET }), 'unknown-key', 'removed key')
    notEqualHeaders(old, fresh)
  })

  test('foreign tokens are rejected: JWT, JWE, iron, random base64url, fragments', async () => {
    const foreign = [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..k9Xk0iLX2X0rEPuM.p6lwUQ.Zq2bm0k3_8sZ3g-lGBtdzw',
      'Fe26.2**0cdd607945dd1dffb7da0b0bf5f1a7daa6218cbae14cac51dcbd91fb077aeb5b*aOZLCKLhCt0D5IU1qLTtYw*g0ilNDlQ3TsdFUqJCqAm9iL7Wa60H7eYcHL_5oP136TOJREkS3BzheDC1dlxz5oJ**05b8943049af490e913bbc3a2485bee2aaf7b823f4c41d0ff0b7c883b4448571*R5DRHzNTETwMZpMBdXSlt-nPhcUytgtBb2HeAk5yl5s',
      base64urlEncode(crypto.getRandomValues(new Uint8Array(60))),
      `t1${base64urlEncode(crypto.getRandomValues(new Uint8Array(60)))}`,
      't1AAAA.',
      't1',
      't',
      '.',
      '',
      '\u{1F600}'.repeat(10),
    ]
    for (const token of foreign) notOk(await reason(token), token.slice(0, 20))
  })

  test('input that is not a string is malformed, never a throw', async () => {
    const token = await seal(1, options())
    for (const input of [
      undefined,
      null,
      0,
      42,
      true,
      {},
      [],
      [token],
      new String(token),
      te.encode(token),
      Symbol('t'),
    ])
      equal(await reason(input), 'malformed', String(typeof input))
  })

  test('over 8,192 characters is oversize, before any decoding or crypto', async () => {
    const token = await seal(1, options())
    const long = `${token}${'A'.repeat(8193 - token.length)}`
    equal(await reason(long), 'oversize')
    equal((await countSubtle(() => reason(long))).total, 0)
    equal(await reason('x'.repeat(100_000)), 'oversize')
    notOk(await reason(long.slice(0, 8192)), 'at the limit: read, and refused for what it is')
  })

  test('the largest data that fits seals and opens; one byte more throws SerializationError', async () => {
    // JSON of a string of n ASCII characters is n + 2 bytes; 6,104 bytes fit a token of 8,192.
    const fits = await seal('x'.repeat(6102), options())
    ok(fits.length <= 8192)
    equal(await reason(fits), 'ok')
    const error = await rejects(seal('x'.repeat(6103), options()), 'ERR_SESSION_SERIALIZE')
    ok(error instanceof SerializationError)
  })

  test('authentic tokens with unusable content: not JSON, not UTF-8, give payload', async () => {
    equal(await reason(await forge(te.encode('{"a":1}'), T0 + 1000)), 'ok', 'the forger follows the format')
    equal(await reason(await forge(te.encode('not json'), T0 + 1000)), 'payload')
    equal(await reason(await forge(new Uint8Array([0xc3, 0x28]), T0 + 1000)), 'payload')
    equal(await reason(await forge(new Uint8Array(0), T0 + 1000)), 'payload')
    equal(await reason(await forge(te.encode('{"a":1}'), T0)), 'expired')
  })

  test('{"__proto__": ...} in a sealed token pollutes nothing', async () => {
    const opened = await unseal<Record<string, unknown>>(
      await forge(te.encode('{"__proto__":{"admin":true}}'), T0 + 1000),
      options(),
    )
    ok(opened.ok)
    equal((opened.data as { admin?: unknown }).admin, undefined)
    equal(({} as { admin?: unknown }).admin, undefined)
  })

  test('data JSON would change throws SerializationError on seal', async () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    for (const data of [
      10n,
      new Date(T0),
      { at: new Date(T0) },
      new Map(),
      { n: Number.NaN },
      cycle,
      () => 1,
      undefined,
      [undefined],
    ]) {
      const error = await rejects(seal(data, options()), 'ERR_SESSION_SERIALIZE')
      ok(error instanceof SerializationError)
    }
    await rejects(createSealer(options()).seal({ big: 1n }), 'ERR_SESSION_SERIALIZE')
  })

  test('a clock that gives no time makes seal() refuse (ERR_OPTION_INVALID), never a token or a TypeError', async () => {
    for (const time of [Number.NaN, -1, 2 ** 48, 10n, Symbol('t'), '1700000000000']) {
      await rejects(seal({ a: 1 }, options({ now: () => time as number })), 'ERR_OPTION_INVALID')
    }
  })

  test('misconfiguration: purpose, ttl and now give ERR_OPTION_INVALID, from createSealer, seal and unseal', async () => {
    const bad: Partial<SealOptions>[] = [
      { purpose: '' },
      { purpose: undefined as unknown as string },
      { purpose: 42 as unknown as string },
      { purpose: '\uD800' },
      { ttl: Number.NaN },
      { ttl: Number.POSITIVE_INFINITY },
      { ttl: 0 },
      { ttl: -1 },
      { ttl: 400 * 86400 + 1 },
      { ttl: '60' as unknown as number },
      { ttl: null as unknown as number },
      { ttl: Symbol('ttl') as unknown as number },
      { ttl: Object.create(null) as number },
      { now: 5 as unknown as () => number },
    ]
    for (const extra of bad) {
      const label = JSON.stringify(extra)
      throws(() => createSealer(options(extra)), 'ERR_OPTION_INVALID')
      await rejects(seal(1, options(extra)), 'ERR_OPTION_INVALID')
      await rejects(unseal('t1AAAA.AAAA', options(extra)), 'ERR_OPTION_INVALID')
      ok(label !== undefined)
    }
    const { purpose: _, ...noPurpose } = options()
    throws(() => createSealer(noPurpose as SealOptions), 'ERR_OPTION_INVALID')
    throws(() => createSealer(undefined as unknown as SealOptions), 'ERR_OPTION_INVALID')
    // The edges that are allowed.
    createSealer(options({ ttl: 400 * 86400 }))
    createSealer(options({ purpose: '\u{1F600}' }))
  })

  test('misconfiguration: a bad secret gives ERR_SECRET_INVALID', async () => {
    for (const secret of ['short', '', [], 'x'.repeat(40), 42, ...PUBLISHED_SECRETS]) {
      throws(() => createSealer(options({ secret: secret as string })), 'ERR_SECRET_INVALID')
      await rejects(seal(1, options({ secret: secret as string })), 'ERR_SECRET_INVALID')
    }
    throws(() => createSealer(options({ secret: [SECRET, SECRET] })), 'ERR_SECRET_INVALID')
  })

  test('exactly one crypto.subtle call per seal and per unseal once keys are derived', async () => {
    const secret = `seal-cost-${crypto.randomUUID()}-0123456789`
    const sealer = createSealer({ secret, purpose: 'cost' })
    const first = await countSubtle(() => sealer.seal({ a: 1 }))
    equal(first.importKey, 1, 'keys are derived on first use')
    let token = ''
    const sealing = await countSubtle(async () => {
      token = await sealer.seal({ a: 1 })
    })
    deepEqual([sealing.encrypt, sealing.total], [1, 1])
    const opening = await countSubtle(() => sealer.unseal(token))
    deepEqual([opening.decrypt, opening.total], [1, 1])
    // The standalone functions, with a new options object each call, hit the same cached keys.
    equal((await countSubtle(() => seal({ a: 1 }, { secret, purpose: 'cost' }))).total, 1)
    equal((await countSubtle(() => unseal(token, { secret, purpose: 'cost' }))).total, 1)
  })

  test('concurrent first calls derive the keys once', async () => {
    const secret = `seal-race-${crypto.randomUUID()}-0123456789`
    const counts = await countSubtle(() =>
      Promise.all(Array.from({ length: 10 }, () => seal(1, { secret, purpose: 'race' }))),
    )
    equal(counts.importKey, 1)
    equal(counts.encrypt, 10)
  })

  test('every seal draws a fresh IV (1,000 seals of the same data are all distinct)', async () => {
    const sealer = createSealer(options())
    const seen = new Set<string>()
    for (let i = 0; i < 1000; i++) seen.add((await sealer.seal('same')).slice(7, 23))
    equal(seen.size, 1000)
  })

  test('secret bytes are copied at setup: wiping the caller buffer changes nothing', async () => {
    const bytes = te.encode(SECRET)
    const sealer = createSealer({ secret: bytes, purpose: 'copy', now: () => T0 })
    bytes.fill(0)
    const token = await sealer.seal('x')
    equal(await reason(token, { purpose: 'copy' }), 'ok')
  })
})

function notOk(r: UnsealReason | 'ok', message: string): void {
  ok(r !== 'ok', `accepted: ${message}`)
}

function notEqualHeaders(a: string, b: string): void {
  ok(a.slice(0, 6) !== b.slice(0, 6), 'each key has its own id in the header')
}
