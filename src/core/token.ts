// The token: what goes into the cookie value. Format v2 (v1 still read), in docs/FORMAT.md.
//
//   encrypted  e2KKKK.<b64u(iv[12] || AES-256-GCM(meta || body) || tag[16])>
//              additional data: ASCII "<cookie name>=e2KKKK"
//   signed     s2KKKK.<b64u(body)>.<b64u(meta)>.<b64u(HMAC-SHA-256)>
//              HMAC input: ASCII "<cookie name>=" followed by everything before the last '.'
//
// KKKK is the key id (keys.ts). meta: created and touched as big-endian uint48 milliseconds since
// the epoch, a 12-byte random session id, then (v2) a flags byte: 0, or the session's own
// lifetime choice followed by its absolute and idle lifetimes as uint32 seconds (25 or 33 bytes;
// v1's meta is the first 24). body is the serialized data.
// Binding the cookie name into the authenticated data stops a value being replayed under another
// cookie name. Exactly one crypto.subtle call per seal and per unseal.
//
// Compressed tokens (opt-in) carry raw-DEFLATE bodies and say so with an uppercase mode letter
// (`E1KKKK`, `S1KKKK`). The letter is part of the authenticated header, so the choice cannot be
// flipped, and a body is inflated only after it authenticated, and only up to MAX_INFLATED_BYTES.

import { inflate } from './deflate.ts'
import { base64urlDecode, base64urlEncode, encoder } from './encoding.ts'
import type { Compression } from './extensions.ts'
import type { Keyring, Mode, SessionKey } from './keys.ts'
import { fail, type Result } from './result.ts'
import {
  BROWSER,
  HEADER_LENGTH,
  IV_BYTES,
  LIFETIME,
  MAX_INFLATED_BYTES,
  MAX_UINT48,
  META_BYTES,
  META_LIFETIME_BYTES,
  TAG_BYTES,
  V1_META_BYTES,
  VERSION,
} from './sizes.ts'
import { takeIv } from './testing.ts'

const MODE_CHAR: Record<Mode, string> = { encrypted: 'e', signed: 's' }
const PACKED_CHAR: Record<Mode, string> = { encrypted: 'E', signed: 'S' }

/**
 * @internal
 * A session's own lifetime, chosen at login ("remember me"), sealed in the token (format v2):
 * a persistent cookie or a browser-session one, and absolute and idle lifetimes in whole seconds.
 */
export interface Lifetime {
  readonly persistent: boolean
  readonly maxAge: number
  readonly idleTimeout: number
}

/** @internal What a token carries. Times are integer milliseconds since the epoch. */
export interface Payload {
  /** When the session (or its last regeneration) began; the absolute lifetime counts from here. */
  readonly created: number
  /** When the session was last written; the idle timeout counts from here. */
  readonly touched: number
  readonly sid: Uint8Array
  /** The session's own lifetime; `undefined`: the configuration's (and every v1 token). */
  readonly lifetime?: Lifetime | undefined
  readonly body: Uint8Array
}

/** @internal An authenticated token: what it carries and the key that opened it. */
export interface Opened {
  readonly payload: Payload
  readonly key: SessionKey
}

function metaLength(p: Pick<Payload, 'lifetime'>): number {
  return p.lifetime === undefined ? META_BYTES : META_LIFETIME_BYTES
}

// Plain byte arithmetic rather than a DataView: no view object and no tuple arrays per call.
function writeMeta(target: Uint8Array, offset: number, p: Omit<Payload, 'body'>): void {
  writeUint48(target, offset, p.created)
  writeUint48(target, offset + 6, p.touched)
  target.set(p.sid, offset + 12)
  const { lifetime } = p
  if (lifetime === undefined) return
  target[offset + 24] = LIFETIME | (lifetime.persistent ? 0 : BROWSER)
  writeUint32(target, offset + 25, lifetime.maxAge)
  writeUint32(target, offset + 29, lifetime.idleTimeout)
}

function writeUint32(target: Uint8Array, at: number, n: number): void {
  target[at] = n >>> 24
  target[at + 1] = (n >>> 16) & 255
  target[at + 2] = (n >>> 8) & 255
  target[at + 3] = n & 255
}

function writeUint48(target: Uint8Array, at: number, ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_UINT48) throw new RangeError(`invalid time ${ms}`)
  const high = Math.floor(ms / 2 ** 32)
  target[at] = high >>> 8
  target[at + 1] = high & 255
  target[at + 2] = ms >>> 24
  target[at + 3] = (ms >>> 16) & 255
  target[at + 4] = (ms >>> 8) & 255
  target[at + 5] = ms & 255
}

function readUint48(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) * 256 + (b[at + 1] as number)) * 2 ** 32 +
    ((b[at + 2] as number) * 2 ** 24 +
      (b[at + 3] as number) * 2 ** 16 +
      (b[at + 4] as number) * 256 +
      (b[at + 5] as number))
  )
}

function readUint32(b: Uint8Array, at: number): number {
  return (
    (b[at] as number) * 2 ** 24 +
    (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number))
  )
}

/**
 * How many bytes of metadata `bytes` starts with for format `version`: 24 (v1), 25 or 33 (v2,
 * by the flags byte); 0 when the flags byte is not one a writer produces.
 */
function metaBytes(bytes: Uint8Array, version: string): number {
  if (version === '1') return V1_META_BYTES
  const flags = bytes[24]
  return flags === 0
    ? META_BYTES
    : flags === LIFETIME || flags === (LIFETIME | BROWSER)
      ? META_LIFETIME_BYTES
      : 0
}

/** The payload of `meta` (of a length `metaBytes` accepted) and `body`. */
function readMeta(meta: Uint8Array, body: Uint8Array): Payload {
  const created = readUint48(meta, 0)
  const touched = readUint48(meta, 6)
  const sid = meta.subarray(12, V1_META_BYTES)
  if (meta.length < META_LIFETIME_BYTES) return { created, touched, sid, body }
  const lifetime: Lifetime = {
    persistent: (meta[24]! & BROWSER) === 0,
    maxAge: readUint32(meta, 25),
    idleTimeout: readUint32(meta, 29),
  }
  return { created, touched, sid, lifetime, body }
}

/**
 * The additional data `<name>=<header>`. Both are ASCII (the name is an RFC 9110 token, checked at
 * setup), so the bytes are the character codes: cheaper than a TextEncoder call. Anything else
 * still goes through UTF-8.
 */
function additionalData(name: string, header: string): Uint8Array<ArrayBuffer> {
  const text = `${name}=${header}`
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c > 127) return encoder.encode(text)
    out[i] = c
  }
  return out
}

type AdditionalData = (header: string) => Uint8Array<ArrayBuffer>

/** @internal What {@link seal} takes: a payload whose body may still be text. */
export type Sealable = Omit<Payload, 'body'> & { readonly body: Uint8Array | string }

/**
 * @internal
 * Seal and unseal bound to one cookie name, mode and compression: what a store uses. The
 * additional data of each header it meets is built once and kept (WebCrypto copies its inputs
 * when called, so sharing the bytes is safe). Only headers whose key id opened in the keyring are
 * kept, so the map holds at most a few entries per configured key.
 */
export interface TokenCodec {
  seal(payload: Sealable, ring: Keyring): Promise<string>
  unseal(token: string, ring: Keyring): Promise<Result<Opened>>
}

const MAX_KEPT_HEADERS = 64

/** @internal */
export function tokenCodec(name: string, mode: Mode, compress?: Compression): TokenCodec {
  const kept = new Map<string, Uint8Array<ArrayBuffer>>()
  const ad: AdditionalData = (header) => {
    let bytes = kept.get(header)
    if (bytes === undefined) {
      bytes = additionalData(name, header)
      if (kept.size < MAX_KEPT_HEADERS) kept.set(header, bytes)
    }
    return bytes
  }
  return {
    seal: (payload, ring) => sealWith(payload, ring, mode, name, compress, ad),
    unseal: (token, ring) => unsealWith(token, ring, mode, name, ad),
  }
}

/**
 * @internal
 * Seals `payload` for cookie `name` with the keyring's newest key, always as the current format
 * version, with a fresh random IV. With `compress`, the body is deflated when that makes the
 * token shorter.
 */
export function seal(
  payload: Sealable,
  ring: Keyring,
  mode: Mode,
  name: string,
  compress?: Compression,
): Promise<string> {
  return sealWith(payload, ring, mode, name, compress, (header) => additionalData(name, header))
}

async function sealWith(
  payload: Sealable,
  ring: Keyring,
  mode: Mode,
  name: string,
  compress: Compression | undefined,
  ad: AdditionalData,
): Promise<string> {
  const { id, key } = ring.current
  let { body } = payload
  let modeChar = MODE_CHAR[mode]
  const metaLen = metaLength(payload)
  if (compress) {
    if (typeof body === 'string') body = encoder.encode(body)
    const packed = await compress.pack(body, mode === 'encrypted' ? IV_BYTES + metaLen + TAG_BYTES : 0)
    if (packed) {
      body = packed
      modeChar = PACKED_CHAR[mode]
    }
  }
  const header = modeChar + VERSION + id
  if (mode === 'encrypted') {
    const iv = takeIv()
    const plaintext = plaintextOf(metaLen, body)
    writeMeta(plaintext, 0, payload)
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: ad(header) },
      key,
      plaintext,
    )
    // 12 IV bytes are exactly 16 base64url characters (no partial group), so encoding the IV and
    // the ciphertext apart gives the same text as encoding them joined, without the copy.
    return `${header}.${base64urlEncode(iv)}${base64urlEncode(new Uint8Array(sealed))}`
  }
  if (typeof body === 'string') body = encoder.encode(body)
  const meta = new Uint8Array(metaLen)
  writeMeta(meta, 0, payload)
  const signedPart = `${header}.${base64urlEncode(body)}.${base64urlEncode(meta)}`
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${name}=${signedPart}`))
  return `${signedPart}.${base64urlEncode(new Uint8Array(mac))}`
}

// Below this many characters, copying ASCII in JS beats a call into TextEncoder (whose fixed cost,
// about half a microsecond on workerd, is most of the work for a small session).
const SHORT_TEXT = 160

/**
 * A buffer of `metaLen` bytes (left for the metadata) followed by `body`. Text is encoded straight
 * into place: sized for ASCII first (JSON usually is), and encoded apart only when it is not.
 */
function plaintextOf(metaLen: number, body: Uint8Array | string): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') {
    const n = body.length
    const out = new Uint8Array(metaLen + n)
    if (n <= SHORT_TEXT) {
      let i = 0
      for (let c: number; i < n && (c = body.charCodeAt(i)) < 128; i++) out[metaLen + i] = c
      if (i === n) return out
    } else if (encoder.encodeInto(body, out.subarray(metaLen)).read === n) {
      // Every UTF-16 unit takes at least one byte, so when all were read all bytes were written.
      return out
    }
    body = encoder.encode(body)
  }
  const out = new Uint8Array(metaLen + body.length)
  out.set(body, metaLen)
  return out
}

/**
 * @internal
 * Opens a token sealed for cookie `name`. Never throws for any input string: every failure is a
 * reason. Checks structure and authenticity only; lifetimes are the session layer's business.
 */
export function unseal(token: string, ring: Keyring, mode: Mode, name: string): Promise<Result<Opened>> {
  return unsealWith(token, ring, mode, name, (header) => additionalData(name, header))
}

async function unsealWith(
  token: string,
  ring: Keyring,
  mode: Mode,
  name: string,
  ad: AdditionalData,
): Promise<Result<Opened>> {
  if (token.length <= HEADER_LENGTH || token.charCodeAt(HEADER_LENGTH) !== 46 /* . */)
    return fail('malformed')
  const letter = token[0]
  const packed = letter === 'E' || letter === 'S'
  const modeChar = packed ? letter.toLowerCase() : letter
  if (modeChar !== 'e' && modeChar !== 's') return fail('malformed')
  const version = token[1]!
  if (version !== VERSION && version !== '1') return fail('version')
  if (modeChar !== MODE_CHAR[mode]) return fail('mode')
  const sessionKey = ring.byId.get(token.slice(2, HEADER_LENGTH))
  if (sessionKey === undefined) return fail('unknown-key')
  const header = token.slice(0, HEADER_LENGTH)

  if (mode === 'encrypted') {
    const bytes = base64urlDecode(token.slice(HEADER_LENGTH + 1))
    if (bytes === undefined || bytes.length < IV_BYTES + V1_META_BYTES + TAG_BYTES) return fail('malformed')
    let plaintext: ArrayBuffer
    try {
      plaintext = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: bytes.subarray(0, IV_BYTES),
          additionalData: ad(header),
        },
        sessionKey.key,
        bytes.subarray(IV_BYTES),
      )
    } catch {
      return fail('tampered')
    }
    const pt = new Uint8Array(plaintext)
    const metaLen = metaBytes(pt, version)
    if (metaLen === 0 || pt.length < metaLen) return fail('payload')
    return opened(readMeta(pt.subarray(0, metaLen), pt.subarray(metaLen)), sessionKey, packed)
  }

  const lastDot = token.lastIndexOf('.')
  const bodyDot = token.indexOf('.', HEADER_LENGTH + 1)
  if (bodyDot === -1 || token.indexOf('.', bodyDot + 1) !== lastDot) return fail('malformed')
  const body = base64urlDecode(token.slice(HEADER_LENGTH + 1, bodyDot))
  const meta = base64urlDecode(token.slice(bodyDot + 1, lastDot))
  const mac = base64urlDecode(token.slice(lastDot + 1))
  if (
    body === undefined ||
    meta === undefined ||
    (version === '1'
      ? meta.length !== V1_META_BYTES
      : meta.length !== META_BYTES && meta.length !== META_LIFETIME_BYTES) ||
    mac?.length !== 32
  )
    return fail('malformed')
  let valid: boolean
  try {
    valid = await crypto.subtle.verify(
      'HMAC',
      sessionKey.key,
      mac,
      encoder.encode(`${name}=${token.slice(0, lastDot)}`),
    )
  } catch {
    valid = false
  }
  if (!valid) return fail('tampered')
  // Authentic, so the flags byte is what a writer wrote; one this reader does not know is unusable.
  if (metaBytes(meta, version) !== meta.length) return fail('payload')
  return opened(readMeta(meta, body), sessionKey, packed)
}

// Not async when there is nothing to inflate: returning a plain object from unseal saves the
// extra promise hops of returning another async function's promise.
function opened(
  payload: Payload,
  key: SessionKey,
  packed: boolean,
): Result<Opened> | Promise<Result<Opened>> {
  return packed ? inflated(payload, key) : { ok: true, payload, key }
}

async function inflated(payload: Payload, key: SessionKey): Promise<Result<Opened>> {
  const body = await inflate(payload.body, MAX_INFLATED_BYTES)
  if (body === undefined) return fail('payload')
  return { ok: true, payload: { ...payload, body }, key }
}
