// The "Integrity" rows of SECURITY.md's bad-input list, each a named test run end to end through
// withSession with real Request/Response objects. An EMPTY row asserts, through expectEmpty(): a
// new empty session, no Set-Cookie, nothing logged, a response identical to one for a request
// without a cookie, and the reason given to onInvalid. A THROW row asserts the error code. Rows
// run in both modes where a mode could matter.

import { defaults as ironDefaults, seal as ironSeal } from 'iron-webcrypto'
import { CompactEncrypt, SignJWT } from 'jose'
import { base64urlDecode, base64urlEncode } from '../../src/core/encoding.ts'
import { ANY_REASON, expectEmpty, expectValid, probe } from '../attacker.ts'
import { deepEqual, describe, equal, notEqual, ok, test } from '../harness.ts'
import { bytes, cookieValue, countSubtle, OLD_SECRET, OTHER_SECRET, SECRET, send } from '../helpers.ts'
import { ALPHABET, issue, keyId, MODES, segments, sendable, token } from './shared.ts'

describe('SECURITY-CASES', () => {
  describe('Integrity', () => {
    for (const mode of MODES) {
      test(`${mode}: any one character changed, to any base64url character or ; , = " \\ % space or dot, gives no session`, async () => {
        const p = probe({ mode })
        // A token whose last segment has unused low bits, to check canonical decoding too.
        let tok = await token(mode)
        for (let n = 0; segments(tok).at(-1)!.text.length % 4 === 0; n++) {
          tok = await token(mode, {}, { user: 'ada', pad: 'x'.repeat(n) })
        }
        const replacements = `${ALPHABET};,="\\% .`
        let tried = 0
        for (let i = 0; i < tok.length; i++) {
          for (const c of replacements) {
            if (c === tok[i]) continue
            await expectEmpty(p, `session=${tok.slice(0, i) + c + tok.slice(i + 1)}`, ANY_REASON)
            tried++
          }
        }
        equal(tried, tok.length * (replacements.length - 1), 'every position, every character')
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

      test(`${mode}: a bit flipped in the header, IV, ciphertext or tag (body, meta or MAC when signed) is tampered`, async () => {
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

      test(`${mode}: a token truncated, extended, split by an extra dot, or with segments swapped or emptied gives no session`, async () => {
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
          [...parts, parts.at(-1)].join('.'),
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

      test(`${mode}: a token of another secret is unknown-key, and tampered once relabelled with our key id`, async () => {
        const p = probe({ mode })
        const foreign = await token(mode, { secret: OTHER_SECRET })
        await expectEmpty(p, `session=${foreign}`, 'unknown-key')
        // The same token relabelled with our key id: now it is decrypted, and fails.
        const relabelled = `${foreign.slice(0, 2)}${await keyId(mode)}${foreign.slice(6)}`
        await expectEmpty(p, `session=${relabelled}`, 'tampered')
      })

      test(`${mode}: a token of an older configured key opens and is re-sealed once with the newest key`, async () => {
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

      test(`${mode}: a token of a removed key is unknown-key with no trial decryption`, async () => {
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

      test(`${mode}: an unknown format version is refused before any crypto`, async () => {
        const p = probe({ mode })
        const tok = await token(mode)
        for (const v of ['0', '3', '9', 'a', 'V', '-', '_']) {
          const forged = `${tok[0]}${v}${tok.slice(2)}`
          const counts = await countSubtle(() => expectEmpty(p, `session=${forged}`, 'version'))
          equal(counts.total, 0, 'refused before crypto')
        }
      })
    }

    test('a signed token read in encrypted mode, or the reverse, gives no session, even relabelled', async () => {
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
      test(`${mode}: the value of cookie a copied into cookie b gives no session: the name is sealed in`, async () => {
        const a = cookieValue((await issue({ mode, cookie: { name: 'a' } }))[0]!)
        for (const other of ['b', 'A', 'a.b', '__Host-a', '__Secure-a']) {
          const cookie = other.startsWith('__') ? { name: other, secure: true } : { name: other }
          const p = probe({ mode, cookie })
          await expectEmpty(p, `${other}=${a}`, 'tampered')
        }
        await expectValid(probe({ mode, cookie: { name: 'a' } }), `a=${a}`)
      })
    }

    test('foreign tokens made with the same secret (JWT, JWE, iron seal) and random base64url give no session', async () => {
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
      // And fragments of our own format: a header with an empty body, a bare header.
      const foreign = [jwt, jwe, iron, random(16), random(90), random(200), random(2000), 'e1AAAA.', 'e1']
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
})
