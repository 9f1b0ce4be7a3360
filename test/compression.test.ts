import type { CookieTooLargeError, InvalidReason, SessionOptions } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { compression } from 'sealed-session/compression'
import { canCompress, deflate, inflate } from '../src/core/deflate.ts'
import { base64urlDecode, base64urlEncode, encoder } from '../src/core/encoding.ts'
import { getKeyring, type Mode, normalizeSecrets } from '../src/core/keys.ts'
import { MAX_INFLATED_BYTES } from '../src/core/sizes.ts'
import { setNextIvForTests } from '../src/core/testing.ts'
import { type Payload, seal, unseal } from '../src/core/token.ts'
import { MIN_COMPRESS_BYTES } from '../src/features/compression.ts'
import { deepEqual, describe, env, equal, match, ok, rejects, test, throws } from './harness.ts'
import { bytes, countSubtle, SECRET, send, T0, wrap } from './helpers.ts'
import { Jar } from './jar.ts'
import vectors from './vectors-compressed.json' with { type: 'json' }

const ring = (mode: Mode, secrets: string | string[] = SECRET) => getKeyring(normalizeSecrets(secrets), mode)

function payload(body: string | Uint8Array): Payload {
  return {
    created: T0,
    touched: T0,
    sid: new Uint8Array(12).fill(3),
    body: typeof body === 'string' ? bytes(body) : body,
  }
}

/** A session-like JSON body: a profile, a permission list and a cart, `items` cart lines long. */
function realistic(items: number): string {
  return JSON.stringify({
    user: { id: 'u_8f3a2c91', name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en-GB' },
    permissions: ['orders:read', 'orders:write', 'catalog:read', 'reports:read'],
    cart: Array.from({ length: items }, (_, i) => ({
      sku: `SKU-${10_000 + i * 7}`,
      title: `Product ${i}`,
      qty: (i % 3) + 1,
      price: 1999 + i * 10,
    })),
  })
}

/** Random, incompressible base64url text of `n` characters. */
function noise(n: number): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(Math.ceil((n * 3) / 4)))).slice(0, n)
}

/**
 * A token sealed with the real key whose compressed body is `packed`, whatever it holds: what an
 * attacker who had the key, or a bug, could produce. Unsealing must still stay bounded.
 */
async function sealPacked(packed: Uint8Array, mode: Mode = 'encrypted', name = 'session'): Promise<string> {
  const keys = await ring(mode)
  const header = `${mode === 'encrypted' ? 'E' : 'S'}1${keys.current.id}`
  const meta = new Uint8Array(24)
  const view = new DataView(meta.buffer)
  for (const at of [0, 6]) {
    view.setUint16(at, Math.floor(T0 / 2 ** 32))
    view.setUint32(at + 2, T0 >>> 0)
  }
  if (mode === 'signed') {
    const signed = `${header}.${base64urlEncode(packed)}.${base64urlEncode(meta)}`
    const mac = await crypto.subtle.sign('HMAC', keys.current.key, encoder.encode(`${name}=${signed}`))
    return `${signed}.${base64urlEncode(new Uint8Array(mac))}`
  }
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const plaintext = new Uint8Array(24 + packed.length)
  plaintext.set(meta)
  plaintext.set(packed, 24)
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(`${name}=${header}`) },
    keys.current.key,
    plaintext,
  )
  const out = new Uint8Array(12 + sealed.byteLength)
  out.set(iv)
  out.set(new Uint8Array(sealed), 12)
  return `${header}.${base64urlEncode(out)}`
}

async function reason(token: string, mode: Mode = 'encrypted'): Promise<InvalidReason | 'ok'> {
  const result = await unseal(token, await ring(mode), mode, 'session')
  return result.ok ? 'ok' : result.reason
}

function app(options: Partial<SessionOptions> = {}) {
  return wrap<{ x: string }>(
    (req, s) => {
      // Reports what the request carried, then stores `body`.
      const before = s.get('x') ?? null
      const body = new URL(req.url).searchParams.get('body')
      if (body !== null) s.set('x', body)
      return Response.json({ isNew: s.isNew, x: before })
    },
    { compress: compression(), ...options },
  )
}

// Options resolved at module load, as static options usually are: on Workers that is global
// scope, where constructing a CompressionStream throws (not a TypeError: the format is fine).
let setupAtLoad: unknown
try {
  app()
} catch (error) {
  setupAtLoad = error
}

/**
 * Node 18, and Node 20 before 20.12, have no `deflate-raw`: there the documented behaviour is
 * checked instead. Anywhere else its absence fails.
 */
function withoutDeflateRaw(): void {
  test('only Node before 20.12 (or 21.2) may lack deflate-raw', () => {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ?? ''
    const [major = 0, minor = 0] = node.split('.').map(Number)
    const old = major === 18 || major === 19 || (major === 20 && minor < 12) || (major === 21 && minor < 2)
    ok(old, `${env.runtime} should have CompressionStream('deflate-raw')`)
  })

  test('compression() is refused at setup', () => {
    throws(() => compression(), 'ERR_OPTION_INVALID')
    throws(() => app(), 'ERR_OPTION_INVALID')
  })

  test('a compressed cookie reads as no session, with reason payload', async () => {
    for (const v of vectors) {
      const mode = v.mode as Mode
      const result = await unseal(v.token, await getKeyring(normalizeSecrets(v.secret), mode), mode, v.name)
      equal(result.ok ? 'ok' : result.reason, 'payload')
    }
  })
}

describe('compression', () => {
  if (!canCompress()) return withoutDeflateRaw()

  for (const mode of ['encrypted', 'signed'] as const) {
    const upper = mode === 'encrypted' ? 'E' : 'S'

    test(`${mode}: repetitive JSON is deflated, marked ${upper}, shorter, and opens to the same bytes`, async () => {
      const keys = await ring(mode)
      for (const items of [4, 30, 100]) {
        const body = realistic(items)
        const plain = await seal(payload(body), keys, mode, 'session')
        const packed = await seal(payload(body), keys, mode, 'session', compression())
        equal(packed[0], upper)
        equal(plain[0], upper.toLowerCase())
        ok(packed.length < plain.length * 0.65, `${items} items: ${packed.length} vs ${plain.length}`)
        const opened = await unseal(packed, keys, mode, 'session')
        ok(opened.ok)
        equal(new TextDecoder().decode(opened.payload.body), body)
        equal(opened.payload.created, T0)
      }
    })

    test(`${mode}: not compressed when that would not shorten the token, or below ${MIN_COMPRESS_BYTES} bytes`, async () => {
      const keys = await ring(mode)
      const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
      for (const body of [random(3000), random(200), 'a'.repeat(MIN_COMPRESS_BYTES - 1), '{}', '']) {
        const token = await seal(payload(body), keys, mode, 'session', compression())
        equal(token[0], upper.toLowerCase(), `${body.length} bytes`)
        const plain = await seal(payload(body), keys, mode, 'session')
        equal(token.length, plain.length)
      }
      equal(
        (await seal(payload('a'.repeat(MIN_COMPRESS_BYTES)), keys, mode, 'session', compression()))[0],
        upper,
      )
    })

    test(`${mode}: the compression letter is authenticated`, async () => {
      const keys = await ring(mode)
      const packed = await seal(payload(realistic(10)), keys, mode, 'session', compression())
      const plain = await seal(payload(realistic(10)), keys, mode, 'session')
      equal(await reason(upper.toLowerCase() + packed.slice(1), mode), 'tampered')
      equal(await reason(upper + plain.slice(1), mode), 'tampered')
      equal(await reason(`${upper === 'E' ? 'S' : 'E'}${packed.slice(1)}`, mode), 'mode')
    })

    test(`${mode}: inflation stops at ${MAX_INFLATED_BYTES} bytes, even for a token sealed with the key`, async () => {
      const exact = await deflate(new Uint8Array(MAX_INFLATED_BYTES).fill(32))
      const over = await deflate(new Uint8Array(MAX_INFLATED_BYTES + 1).fill(32))
      equal(await reason(await sealPacked(exact, mode), mode), 'ok')
      equal(await reason(await sealPacked(over, mode), mode), 'payload')
      // 64 MiB of zeros deflates to about 64 KB: read at most a few hundred KB of it, then stop.
      const bomb = await deflate(new Uint8Array(64 * 1024 * 1024))
      ok(bomb.length < 100_000, `bomb is ${bomb.length} bytes`)
      equal(await reason(await sealPacked(bomb, mode), mode), 'payload')
    })

    test(`${mode}: an authentic body that is not raw DEFLATE is a payload error`, async () => {
      // A final block of the reserved type 3; a stored block whose length check (NLEN) is wrong.
      for (const packed of [
        new Uint8Array([0xff, 0xff, 0xff]),
        new Uint8Array([0x01, 5, 0, 0, 0, 1, 2, 3, 4, 5]),
      ]) {
        equal(await reason(await sealPacked(packed, mode), mode), 'payload', `${packed.length} bytes`)
      }
    })

    test(`${mode}: an authentic but empty or cut-short DEFLATE body gives an empty session (payload)`, async () => {
      // Deno's DecompressionStream yields what it decoded of a truncated (or empty) stream instead
      // of failing, so the token layer may hand back partial bytes there; the session layer
      // refuses them as unparsable either way.
      const good = await deflate(bytes(realistic(20)))
      const reasons: InvalidReason[] = []
      const handler = app({ mode, onInvalid: (r) => reasons.push(r), now: () => T0 })
      for (const packed of [good.subarray(0, good.length >> 1), new Uint8Array(0)]) {
        const token = await sealPacked(packed, mode)
        equal(JSON.parse((await send(handler, `session=${token}`)).body).isNew, true)
      }
      deepEqual(reasons, ['payload', 'payload'])
    })
  }

  test('inflate() returns undefined past the limit and the exact bytes up to it', async () => {
    const data = bytes(realistic(50))
    const packed = await deflate(data)
    deepEqual(await inflate(packed, data.length), data)
    equal(await inflate(packed, data.length - 1), undefined)
    equal(await inflate(bytes('not deflate at all'), 1000), undefined)
  })

  describe('frozen compressed vectors', () => {
    test('each vector opens to its body, and re-sealing with compression round-trips', async () => {
      for (const v of vectors) {
        const mode = v.mode as Mode
        const keys = await getKeyring(normalizeSecrets(v.secret), mode)
        const opened = await unseal(v.token, keys, mode, v.name)
        ok(opened.ok, `${v.mode} ${v.name} opens`)
        equal(new TextDecoder().decode(opened.payload.body), v.body)
        equal(opened.payload.created, v.created)
        equal(opened.payload.touched, v.touched)
        equal(base64urlEncode(opened.payload.sid), v.sid)
        // DEFLATE bytes differ between zlib builds, so re-sealing is checked by opening, not by equality.
        setNextIvForTests(base64urlDecode(v.iv)!)
        const again = await seal(opened.payload, keys, mode, v.name, compression())
        // Re-sealed as the current format (v2), with the same uppercase letter and key id.
        equal(again.slice(0, 7), `${v.token[0]}2${v.token.slice(2, 7)}`, 'same key, uppercase letter, v2')
        const reopened = await unseal(again, keys, mode, v.name)
        ok(reopened.ok)
        equal(new TextDecoder().decode(reopened.payload.body), v.body)
      }
    })

    test('an independent reading of docs/FORMAT.md (WebCrypto + DecompressionStream) opens them', async () => {
      const te = new TextEncoder()
      for (const v of vectors) {
        const ikm = await crypto.subtle.importKey('raw', te.encode(v.secret), 'HKDF', false, ['deriveKey'])
        const alg = v.mode === 'encrypted' ? 'aes-256-gcm' : 'hmac-sha-256'
        const hkdf = {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: te.encode('sealed-session'),
          info: te.encode(`sealed-session v1 ${alg}`),
        }
        const header = v.token.slice(0, 6)
        // These froze format v1 (24 bytes of metadata), which every reader still opens.
        match(header, v.mode === 'encrypted' ? /^E1/ : /^S1/)
        let packed: Uint8Array
        if (v.mode === 'encrypted') {
          const key = await crypto.subtle.deriveKey(hkdf, ikm, { name: 'AES-GCM', length: 256 }, false, [
            'decrypt',
          ])
          const raw = base64urlDecode(v.token.slice(7))!
          const pt = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: raw.subarray(0, 12), additionalData: te.encode(`${v.name}=${header}`) },
            key,
            raw.subarray(12),
          )
          packed = new Uint8Array(pt).subarray(24)
        } else {
          const key = await crypto.subtle.deriveKey(
            hkdf,
            ikm,
            { name: 'HMAC', hash: 'SHA-256', length: 256 },
            false,
            ['verify'],
          )
          const parts = v.token.split('.')
          const mac = base64urlDecode(parts[3]!)!
          ok(
            await crypto.subtle.verify(
              'HMAC',
              key,
              mac,
              te.encode(`${v.name}=${parts.slice(0, 3).join('.')}`),
            ),
          )
          packed = base64urlDecode(parts[1]!)!
        }
        const text = await new Response(
          new Blob([packed as Uint8Array<ArrayBuffer>])
            .stream()
            .pipeThrough(new DecompressionStream('deflate-raw')),
        ).text()
        equal(text, v.body)
      }
    })
  })

  describe('sessions', () => {
    test('a compressed session round-trips with one decrypt and one encrypt', async () => {
      const handler = app()
      const body = realistic(40)
      const first = await send(handler, undefined, `/?body=${encodeURIComponent(body)}`)
      match(first.cookie!, /^session=E2/)
      const counts = await countSubtle(async () => {
        const again = await send(handler, first.cookie, `/?body=${encodeURIComponent(`${body} `)}`)
        equal(JSON.parse(again.body).x, body)
        match(again.cookie!, /^session=E2/)
      })
      deepEqual([counts.decrypt, counts.encrypt, counts.total], [1, 1, 2])
    })

    test('with compression turned off, a compressed session still reads and is rewritten uncompressed', async () => {
      for (const mode of ['encrypted', 'signed'] as const) {
        const body = realistic(20)
        const { cookie } = await send(app({ mode }), undefined, `/?body=${encodeURIComponent(body)}`)
        match(cookie!, mode === 'encrypted' ? /^session=E2/ : /^session=S2/)
        const off = app({ mode, compress: undefined })
        const changed = await send(off, cookie, `/?body=${encodeURIComponent(`${body}!`)}`)
        equal(JSON.parse(changed.body).x, body)
        match(changed.cookie!, mode === 'encrypted' ? /^session=e2/ : /^session=s2/)
        equal(JSON.parse((await send(off, changed.cookie)).body).x, `${body}!`)
      }
    })

    test('compressed cookies are still read after compression is turned off', async () => {
      const body = realistic(40)
      const { cookie } = await send(app(), undefined, `/?body=${encodeURIComponent(body)}`)
      const off = await send(app({ compress: undefined }), cookie)
      equal(JSON.parse(off.body).x, body)
    })

    test('compression lets a 10 KB realistic session fit one cookie, and more with chunks', async () => {
      const body = realistic(160)
      ok(body.length > 10_000, `${body.length}`)
      const url = `/?body=${encodeURIComponent(body)}`
      await rejects(send(app({ compress: undefined }), undefined, url), 'ERR_COOKIE_TOO_LARGE')
      const one = await send(app(), undefined, url)
      equal(one.setCookies.length, 1)
      const huge = realistic(800)
      const jar = new Jar().apply(
        (await send(app({ chunks: chunking(3) }), undefined, `/?body=${encodeURIComponent(huge)}`))
          .setCookies,
      )
      ok(jar.names().length > 1, `${huge.length} bytes in ${jar.names().length} cookies`)
      match(jar.get('session')!, /^\d~E2/)
      equal(JSON.parse((await send(app({ chunks: chunking(3) }), jar.header())).body).x, huge)
    })

    test(`a body over ${MAX_INFLATED_BYTES} bytes is never compressed, so it cannot be written unreadable`, async () => {
      // {"x":"…"} is 8 bytes of JSON around the string.
      const fits = await send(app(), undefined, `/?body=${'a'.repeat(MAX_INFLATED_BYTES - 8)}`)
      match(fits.cookie!, /^session=E2/)
      equal(JSON.parse((await send(app(), fits.cookie)).body).x.length, MAX_INFLATED_BYTES - 8)
      const error = await rejects(
        send(app({ chunks: chunking(10) }), undefined, `/?body=${'a'.repeat(MAX_INFLATED_BYTES - 7)}`),
        'ERR_COOKIE_TOO_LARGE',
      )
      ok((error as CookieTooLargeError).size > MAX_INFLATED_BYTES)
    })

    test('the length side channel is real: with compression, equal-sized data gives unequal cookies', async () => {
      // Why README says not to compress secrets next to attacker-influenced data: the cookie's
      // length reveals how well a guess matches the secret.
      const secret = 'csrf=Hq3k9vX2mP0sLw8RtY4uZ1aB'
      const lengths = async (on: boolean) => {
        const out: number[] = []
        for (const guess of ['csrf=Hq3k9vX2mP0sLw8RtY4uZ1aB', 'csrf=Zp7Qm2WxY9cV4bN1tR8sK3aL']) {
          const { cookie } = await send(
            app({ compress: on ? compression() : undefined }),
            undefined,
            `/?body=${noise(200)}${secret}${guess}`,
          )
          out.push(cookie!.length)
        }
        return out
      }
      const [right, wrong] = await lengths(true)
      ok(right! < wrong!, `a right guess compresses better: ${right} < ${wrong}`)
      const [a, b] = await lengths(false)
      equal(a, b, 'without compression the length depends only on the size')
    })

    test('compression() can be set up at module load (global scope on Workers)', () => {
      equal(setupAtLoad, undefined)
    })

    test('compress takes only what compression() returns', () => {
      // 0.1's `compress: true` now fails at setup rather than silently not compressing.
      for (const bad of [true, false, 'yes', 1, null, {}]) {
        throws(() => app({ compress: bad as never }), 'ERR_OPTION_INVALID')
      }
      equal(compression(), compression(), 'one object, for options functions')
    })
  })
})
