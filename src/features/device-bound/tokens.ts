// The device binding's sealed tokens: registration and refresh challenges, and the value of the
// short-lived bound cookie. No server state: everything a check needs travels inside the token.
//
//   d1KKKK.<b64u(iv[12] || AES-256-GCM(JSON [subject, expiresAt, issuedAt]) || tag[16])>
//   additional data: UTF-8 of `d1KKKK <kind> <cookie name>`
//
// Keys come from the store's secrets through HKDF-SHA-256 (RFC 5869) under labels of their own
// (`sealed-session v1 device-bound aes-256-gcm`, and `key id ...` for the 3-byte id), so neither a
// session cookie nor a one-off token from sealed-session/seal ever opens as one of these, whatever
// purpose an app gives its own tokens. The kind is authenticated, so a challenge never serves as
// a bound cookie or the reverse; the cookie name too, so two stores sharing a secret stay apart.

import { base64urlDecode, base64urlEncode, encoder, utf8Decode } from '../../core/encoding.ts'

/** @internal What a token is for. */
export type TokenKind = 'register' | 'refresh' | 'bound'

/** @internal An authentic, unexpired token's content. */
export interface Opened {
  /** A session id (registration challenge) or a binding id (refresh challenge, bound cookie). */
  readonly subject: string
  readonly expiresAt: number
  readonly issuedAt: number
}

/** @internal Seals and opens the binding's tokens for one store; `now` is the request's clock, in ms. */
export interface Tokens {
  /** `issuedAt` is `now`, or `after + 1` when that is later (see refresh challenges). */
  seal(kind: TokenKind, subject: string, ttlMs: number, now: number, after?: number): Promise<string>
  /** The content, or `undefined` for anything not authentic, not of `kind`, or expired at `now`. */
  open(kind: TokenKind, token: string, now: number): Promise<Opened | undefined>
}

/** Longer than any token `seal` writes (subjects are ids of 16 to 22 characters). */
const MAX_TOKEN_LENGTH = 256
const HEADER_LENGTH = 6
const IV_BYTES = 12
const TAG_BYTES = 16
const SALT = encoder.encode('sealed-session')
const LABEL = 'device-bound aes-256-gcm'

interface Key {
  readonly id: string
  readonly key: CryptoKey
}

/** @internal The tokens of the store whose secrets (newest first) and cookie name these are. */
export function tokensOf(secrets: readonly Uint8Array[], cookieName: string): Tokens {
  const keys = lazyKeys(secrets)
  const additionalData = (header: string, kind: TokenKind) =>
    encoder.encode(`${header} ${kind} ${cookieName}`)
  return {
    async seal(kind, subject, ttlMs, now, after = Number.NEGATIVE_INFINITY) {
      const issuedAt = Math.max(Math.floor(now), after + 1)
      const plaintext = encoder.encode(JSON.stringify([subject, issuedAt + ttlMs, issuedAt]))
      const { id, key } = (await keys())[0]!
      const header = `d1${id}`
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: additionalData(header, kind) },
          key,
          plaintext,
        ),
      )
      const out = new Uint8Array(IV_BYTES + sealed.length)
      out.set(iv)
      out.set(sealed, IV_BYTES)
      return `${header}.${base64urlEncode(out)}`
    },

    async open(kind, token, now) {
      // Length first: the cost of a hostile value is bounded before any decoding or crypto.
      if (token.length > MAX_TOKEN_LENGTH || !token.startsWith('d1') || token[HEADER_LENGTH] !== '.') {
        return undefined
      }
      const header = token.slice(0, HEADER_LENGTH)
      const entry = (await keys()).find((k) => k.id === header.slice(2))
      const bytes = base64urlDecode(token.slice(HEADER_LENGTH + 1))
      if (!entry || !bytes || bytes.length < IV_BYTES + TAG_BYTES) return undefined
      let plaintext: Uint8Array
      try {
        plaintext = new Uint8Array(
          await crypto.subtle.decrypt(
            {
              name: 'AES-GCM',
              iv: bytes.subarray(0, IV_BYTES),
              additionalData: additionalData(header, kind),
            },
            entry.key,
            bytes.subarray(IV_BYTES),
          ),
        )
      } catch {
        return undefined
      }
      const opened = contentOf(plaintext)
      // Written so that a clock returning NaN counts as expired.
      return opened && now < opened.expiresAt ? opened : undefined
    },
  }
}

/** Only what `seal` writes: authentic bytes are ours, but nothing here may throw. */
function contentOf(plaintext: Uint8Array): Opened | undefined {
  let value: unknown
  try {
    value = JSON.parse(utf8Decode(plaintext) ?? '')
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined
  const [subject, expiresAt, issuedAt] = value as unknown[]
  if (typeof subject !== 'string' || !Number.isSafeInteger(expiresAt) || !Number.isSafeInteger(issuedAt)) {
    return undefined
  }
  return { subject, expiresAt: expiresAt as number, issuedAt: issuedAt as number }
}

/** The keys, derived on first use; a failed derivation is not kept, so a later call tries again. */
function lazyKeys(secrets: readonly Uint8Array[]): () => Promise<readonly Key[]> {
  let pending: Promise<readonly Key[]> | undefined
  return () => {
    if (pending === undefined) {
      const derived = Promise.all(secrets.map(deriveKey))
      pending = derived
      derived.catch(() => {
        if (pending === derived) pending = undefined
      })
    }
    return pending
  }
}

async function deriveKey(secret: Uint8Array): Promise<Key> {
  const subtle = crypto.subtle
  const ikm = await subtle.importKey('raw', secret as BufferSource, 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ])
  const hkdf = (label: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: SALT,
    info: encoder.encode(`sealed-session v1 ${label}`),
  })
  const [key, idBits] = await Promise.all([
    subtle.deriveKey(hkdf(LABEL), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    subtle.deriveBits(hkdf(`key id ${LABEL}`), ikm, 24),
  ])
  return { id: base64urlEncode(new Uint8Array(idBits)), key }
}
