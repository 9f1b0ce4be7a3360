import { base64urlDecode, base64urlEncode } from '../src/core/encoding.ts'
import { getKeyring, type Mode, normalizeSecrets } from '../src/core/keys.ts'
import { setNextIvForTests } from '../src/core/testing.ts'
import { type Payload, seal, unseal } from '../src/core/token.ts'
import { formatKey } from './format-keys.ts'
import { deepEqual, describe, equal, ok, test } from './harness.ts'
import { bytes, OTHER_SECRET, SECRET, T0 } from './helpers.ts'
import vectors from './vectors.json' with { type: 'json' }
import vectorsV1 from './vectors-v1.json' with { type: 'json' }

interface Vector {
  mode: string
  name: string
  body: string
  secret: string
  created: number
  touched: number
  sid: string
  token: string
  lifetime?: { persistent: boolean; maxAge: number; idleTimeout: number }
}

const ring = (secrets: string | string[], mode: Mode = 'encrypted') =>
  getKeyring(normalizeSecrets(secrets), mode)

function payload(body = '{"count":1}'): Payload {
  return { created: T0, touched: T0 + 5, sid: new Uint8Array(12).fill(7), body: bytes(body) }
}

async function sealed(mode: Mode = 'encrypted', name = 'session', body?: string): Promise<string> {
  return seal(payload(body), await ring(SECRET, mode), mode, name)
}

async function reason(
  token: string,
  mode: Mode = 'encrypted',
  name = 'session',
  secrets: string | string[] = SECRET,
) {
  const result = await unseal(token, await ring(secrets, mode), mode, name)
  return result.ok ? 'ok' : result.reason
}

describe('token', () => {
  test('frozen v2 vectors: sealing with a fixed key and IV gives the committed token', async () => {
    for (const v of vectors) {
      const mode = v.mode as Mode
      const keys = await ring(v.secret, mode)
      const lifetime = 'lifetime' in v ? v.lifetime : undefined
      const p = {
        created: v.created,
        touched: v.touched,
        sid: base64urlDecode(v.sid)!,
        lifetime,
        body: bytes(v.body),
      }
      setNextIvForTests(base64urlDecode(v.iv)!)
      equal(await seal(p, keys, mode, v.name), v.token, `${v.mode} ${v.name}`)
      const opened = await unseal(v.token, keys, mode, v.name)
      ok(opened.ok, 'vector opens')
      equal(opened.payload.created, v.created)
      equal(opened.payload.touched, v.touched)
      equal(base64urlEncode(opened.payload.sid), v.sid)
      deepEqual(opened.payload.lifetime, lifetime)
      equal(new TextDecoder().decode(opened.payload.body), v.body)
    }
  })

  test('frozen v1 vectors still open (v1 is read, no longer written)', async () => {
    for (const v of vectorsV1) {
      const mode = v.mode as Mode
      const opened = await unseal(v.token, await ring(v.secret, mode), mode, v.name)
      ok(opened.ok, 'v1 vector opens')
      equal(opened.payload.created, v.created)
      equal(opened.payload.touched, v.touched)
      equal(base64urlEncode(opened.payload.sid), v.sid)
      equal(opened.payload.lifetime, undefined)
      equal(new TextDecoder().decode(opened.payload.body), v.body)
    }
  })

  test('vectors follow docs/FORMAT.md: an independent WebCrypto implementation opens them', async () => {
    const te = new TextEncoder()
    const all: (Vector & { version: number })[] = [
      ...vectors.map((v) => ({ ...v, version: 2 })),
      ...vectorsV1.map((v) => ({ ...v, version: 1 })),
    ]
    for (const v of all) {
      const alg = v.mode === 'encrypted' ? 'aes-256-gcm' : 'hmac-sha-256'
      const { id, key } = await formatKey(v.secret, alg, [v.mode === 'encrypted' ? 'decrypt' : 'verify'])
      const header = `${v.mode === 'encrypted' ? 'e' : 's'}${v.version}${id}`
      ok(v.token.startsWith(`${header}.`), 'header is mode, version, key id')
      let meta: Uint8Array
      let body: Uint8Array
      if (v.mode === 'encrypted') {
        const raw = base64urlDecode(v.token.slice(7))!
        const pt = new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: raw.subarray(0, 12), additionalData: te.encode(`${v.name}=${header}`) },
            key,
            raw.subarray(12),
          ),
        )
        // v1: 24 bytes of metadata; v2: a flags byte follows, then lifetimes when it is not 0.
        const metaLength = v.version === 1 ? 24 : pt[24] === 0 ? 25 : 33
        meta = pt.subarray(0, metaLength)
        body = pt.subarray(metaLength)
      } else {
        const parts = v.token.split('.')
        equal(parts.length, 4)
        const signedPart = parts.slice(0, 3).join('.')
        ok(
          await crypto.subtle.verify(
            'HMAC',
            key,
            base64urlDecode(parts[3]!)!,
            te.encode(`${v.name}=${signedPart}`),
          ),
        )
        body = base64urlDecode(parts[1]!)!
        meta = base64urlDecode(parts[2]!)!
      }
      const view = new DataView(meta.buffer, meta.byteOffset, 24)
      equal(view.getUint16(0) * 2 ** 32 + view.getUint32(2), v.created)
      equal(view.getUint16(6) * 2 ** 32 + view.getUint32(8), v.touched)
      equal(base64urlEncode(meta.subarray(12, 24)), v.sid)
      if (v.version === 2) {
        const flags = meta[24]
        const expected = v.lifetime
        if (expected === undefined) {
          equal(flags, 0)
          equal(meta.length, 25)
        } else {
          // Bit 0: the session chose its lifetime; bit 1: as a browser-session cookie.
          equal(flags, expected.persistent ? 1 : 3)
          equal(meta.length, 33)
          const lifetimes = new DataView(meta.buffer, meta.byteOffset + 25, 8)
          equal(lifetimes.getUint32(0), expected.maxAge)
          equal(lifetimes.getUint32(4), expected.idleTimeout)
        }
      } else equal(meta.length, 24)
      equal(new TextDecoder().decode(body), v.body)
    }
  })

  for (const mode of ['encrypted', 'signed'] as const) {
    test(`${mode}: round-trips payloads, including non-ASCII and empty bodies`, async () => {
      for (const body of ['{}', '{"a":"\u00e9\u4e2d\u{1F600}"}', 'x'.repeat(3000), '']) {
        const token = await sealed(mode, 'session', body)
        const result = await unseal(token, await ring(SECRET, mode), mode, 'session')
        ok(result.ok)
        equal(new TextDecoder().decode(result.payload.body), body)
        equal(result.payload.created, T0)
        equal(result.payload.touched, T0 + 5)
      }
    })

    test(`${mode}: the header (mode, version, key id) is authenticated`, async () => {
      const token = await sealed(mode)
      const letter = mode === 'encrypted' ? 'e' : 's'
      equal(await reason(`${letter}3${token.slice(2)}`, mode), 'version', 'a version not yet defined')
      // v1 is still read, but the version is authenticated: a v2 token relabelled v1 fails.
      equal(
        await reason(`${letter}1${token.slice(2)}`, mode),
        mode === 'encrypted' ? 'tampered' : 'malformed',
      )
      equal(await reason(`${mode === 'encrypted' ? 's' : 'e'}${token.slice(1)}`, mode), 'mode')
      equal(await reason(`${token.slice(0, 2)}AAAA${token.slice(6)}`, mode), 'unknown-key')
    })

    test(`${mode}: wrong key, removed key and another cookie name are rejected`, async () => {
      const token = await sealed(mode)
      equal(
        await reason(token, mode, 'session', OTHER_SECRET),
        'unknown-key',
        'a removed key is named unknown',
      )
      equal(
        await reason(token, mode, 'session', [OTHER_SECRET, SECRET]),
        'ok',
        'an older configured key still opens',
      )
      equal(await reason(token, mode, 'other'), 'tampered', 'cookie name is bound into the token')
      equal(await reason(token, mode, 'Session'), 'tampered', 'names are case-sensitive')
    })
  }

  test('a key id from the right mode but a forged header id with the same secret cannot open', async () => {
    // Same secret, other mode: subkeys and ids differ per mode, so neither token opens in the other.
    const enc = await sealed('encrypted')
    const sig = await sealed('signed')
    equal(await reason(enc, 'signed'), 'mode')
    equal(await reason(sig, 'encrypted'), 'mode')
    equal(await reason(`s${enc.slice(1)}`, 'signed'), 'unknown-key')
    equal(await reason(`e${sig.slice(1)}`, 'encrypted'), 'unknown-key')
  })

  test('an encrypted token is at most base64url(12 + plaintext + 16) plus a 7-character prefix', async () => {
    for (const n of [0, 1, 2, 3, 56, 1000, 3000]) {
      const body = 'x'.repeat(n)
      const token = await sealed('encrypted', 'session', body)
      const plaintext = 25 + n // 25 bytes of v2 metadata without a lifetime of its own
      equal(token.length, 7 + Math.ceil(((12 + plaintext + 16) * 4) / 3), `body ${n}`)
    }
  })
})
