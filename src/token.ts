// The token: what goes into the cookie value. Format v1, specified in docs/FORMAT.md.
//
//   encrypted  e1KKKK.<b64u(iv[12] || AES-256-GCM(meta || body) || tag[16])>
//              additional data: ASCII "<cookie name>=e1KKKK"
//   signed     s1KKKK.<b64u(body)>.<b64u(meta)>.<b64u(HMAC-SHA-256)>
//              HMAC input: ASCII "<cookie name>=" followed by everything before the last '.'
//
// KKKK is the key id (keys.ts). meta is 24 bytes: created and touched as big-endian uint48
// milliseconds since the epoch, then a 12-byte random session id. body is the serialized data.
// Binding the cookie name into the authenticated data stops a value being replayed under another
// cookie name. Exactly one crypto.subtle call per seal and per unseal.
//
// Compressed tokens (opt-in) carry raw-DEFLATE bodies and say so with an uppercase mode letter
// (`E1KKKK`, `S1KKKK`). The letter is part of the authenticated header, so the choice cannot be
// flipped, and a body is inflated only after it authenticated, and only up to MAX_INFLATED_BYTES.

import { deflate, inflate } from './compression.ts'
import { base64urlDecode, base64urlEncode, encoder } from './encoding.ts'
import type { Keyring, Mode, SessionKey } from './keys.ts'

export const VERSION = '1'
export const HEADER_LENGTH = 6
export const META_BYTES = 24
export const SESSION_ID_BYTES = 12
const IV_BYTES = 12
const TAG_BYTES = 16
const MODE_CHAR: Record<Mode, string> = { encrypted: 'e', signed: 's' }
const PACKED_CHAR: Record<Mode, string> = { encrypted: 'E', signed: 'S' }
/**
 * The most a compressed body may inflate to. Bodies larger than this are never compressed, so
 * every token this library writes can be read back; anything inflating further is refused.
 */
export const MAX_INFLATED_BYTES = 64 * 1024
/** Below this, deflate saves a dozen bytes at most and is not worth a stream round trip. */
export const MIN_COMPRESS_BYTES = 128

/** What a token carries. Times are integer milliseconds since the epoch. */
export interface Payload {
  /** When the session (or its last regeneration) began; the absolute lifetime counts from here. */
  readonly created: number
  /** When the session was last written; the idle timeout counts from here. */
  readonly touched: number
  readonly sid: Uint8Array
  readonly body: Uint8Array
}

/** Stable reasons a cookie value is not a valid session, as given to `onInvalid`. */
export type InvalidReason =
  /** Longer than any token this configuration can produce; rejected before decoding. */
  | 'oversize'
  /** Not a token of this format: bad structure or non-canonical base64url. */
  | 'malformed'
  /** A format version this library does not read. */
  | 'version'
  /** A token of the other mode (signed vs encrypted). */
  | 'mode'
  /** Sealed with a key that is no longer configured. */
  | 'unknown-key'
  /** Authentication failed: tampered, forged, or moved from another cookie name. */
  | 'tampered'
  /**
   * Authentic, but the content is unusable: bad times, not UTF-8, not a data object, or a
   * compressed body that is not raw DEFLATE or inflates past `MAX_INFLATED_BYTES`.
   */
  | 'payload'
  /** Past the absolute lifetime (`maxAge`). */
  | 'expired'
  /** Past the idle timeout (`idleTimeout`). */
  | 'idle'
  /** A session split across cookies whose chunk cookies are missing, duplicated or extra. */
  | 'chunks'

export type UnsealResult =
  | { readonly ok: true; readonly payload: Payload; readonly key: SessionKey }
  | { readonly ok: false; readonly reason: InvalidReason }

const MAX_UINT48 = 2 ** 48

// Plain byte arithmetic rather than a DataView: no view object and no tuple arrays per call.
function writeMeta(target: Uint8Array, offset: number, p: Payload): void {
  writeUint48(target, offset, p.created)
  writeUint48(target, offset + 6, p.touched)
  target.set(p.sid, offset + 12)
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

function readMeta(bytes: Uint8Array, body: Uint8Array): Payload {
  return {
    created: readUint48(bytes, 0),
    touched: readUint48(bytes, 6),
    sid: bytes.subarray(12, META_BYTES),
    body,
  }
}

/**
 * The additional data `<name>=<header>`. Both are ASCII (the name is an RFC 9110 token, checked at
 * setup), so the bytes are the character codes: cheaper than a TextEncoder call on every seal and
 * unseal. Anything else still goes through UTF-8.
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

/**
 * Seals `payload` for cookie `name` with the keyring's newest key. `iv` exists for the frozen
 * test vectors only; real seals always draw a fresh random one. With `compress`, the body is
 * deflated when that makes the token shorter.
 */
export async function seal(
  payload: Payload,
  ring: Keyring,
  mode: Mode,
  name: string,
  iv: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(IV_BYTES)),
  compress = false,
): Promise<string> {
  const { id, key } = ring.current
  let { body } = payload
  let modeChar = MODE_CHAR[mode]
  if (compress && body.length >= MIN_COMPRESS_BYTES && body.length <= MAX_INFLATED_BYTES) {
    // Compression is only ever an optimisation: if it fails, the body goes out as it is.
    const packed = await deflate(body).catch(() => undefined)
    // Base64url rounds up to whole characters: compare encoded lengths, not byte counts.
    const fixed = mode === 'encrypted' ? IV_BYTES + META_BYTES + TAG_BYTES : 0
    if (packed && encodedLength(fixed + packed.length) < encodedLength(fixed + body.length)) {
      body = packed
      modeChar = PACKED_CHAR[mode]
    }
  }
  const header = modeChar + VERSION + id
  if (mode === 'encrypted') {
    const plaintext = new Uint8Array(META_BYTES + body.length)
    writeMeta(plaintext, 0, payload)
    plaintext.set(body, META_BYTES)
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(name, header) },
      key,
      plaintext,
    )
    const out = new Uint8Array(IV_BYTES + sealed.byteLength)
    out.set(iv, 0)
    out.set(new Uint8Array(sealed), IV_BYTES)
    return `${header}.${base64urlEncode(out)}`
  }
  const meta = new Uint8Array(META_BYTES)
  writeMeta(meta, 0, payload)
  const signedPart = `${header}.${base64urlEncode(body)}.${base64urlEncode(meta)}`
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${name}=${signedPart}`))
  return `${signedPart}.${base64urlEncode(new Uint8Array(mac))}`
}

/**
 * Opens a token sealed for cookie `name`. Never throws for any input string: every failure is a
 * reason. Checks structure and authenticity only; lifetimes are the session layer's business.
 */
export async function unseal(token: string, ring: Keyring, mode: Mode, name: string): Promise<UnsealResult> {
  if (token.length <= HEADER_LENGTH || token.charCodeAt(HEADER_LENGTH) !== 46 /* . */)
    return fail('malformed')
  const letter = token[0]
  const packed = letter === 'E' || letter === 'S'
  const modeChar = packed ? letter.toLowerCase() : letter
  if (modeChar !== 'e' && modeChar !== 's') return fail('malformed')
  if (token[1] !== VERSION) return fail('version')
  if (modeChar !== MODE_CHAR[mode]) return fail('mode')
  const sessionKey = ring.byId.get(token.slice(2, HEADER_LENGTH))
  if (sessionKey === undefined) return fail('unknown-key')
  const header = token.slice(0, HEADER_LENGTH)

  if (mode === 'encrypted') {
    const bytes = base64urlDecode(token.slice(HEADER_LENGTH + 1))
    if (bytes === undefined || bytes.length < IV_BYTES + META_BYTES + TAG_BYTES) return fail('malformed')
    let plaintext: ArrayBuffer
    try {
      plaintext = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: bytes.subarray(0, IV_BYTES),
          additionalData: additionalData(name, header),
        },
        sessionKey.key,
        bytes.subarray(IV_BYTES),
      )
    } catch {
      return fail('tampered')
    }
    const pt = new Uint8Array(plaintext)
    return opened(readMeta(pt, pt.subarray(META_BYTES)), sessionKey, packed)
  }

  const lastDot = token.lastIndexOf('.')
  const bodyDot = token.indexOf('.', HEADER_LENGTH + 1)
  if (bodyDot === -1 || token.indexOf('.', bodyDot + 1) !== lastDot) return fail('malformed')
  const body = base64urlDecode(token.slice(HEADER_LENGTH + 1, bodyDot))
  const meta = base64urlDecode(token.slice(bodyDot + 1, lastDot))
  const mac = base64urlDecode(token.slice(lastDot + 1))
  if (body === undefined || meta?.length !== META_BYTES || mac?.length !== 32) return fail('malformed')
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
  return opened(readMeta(meta, body), sessionKey, packed)
}

// Not async when there is nothing to inflate: returning a plain object from unseal saves the
// extra promise hops of returning another async function's promise.
function opened(payload: Payload, key: SessionKey, packed: boolean): UnsealResult | Promise<UnsealResult> {
  return packed ? inflated(payload, key) : { ok: true, payload, key }
}

async function inflated(payload: Payload, key: SessionKey): Promise<UnsealResult> {
  const body = await inflate(payload.body, MAX_INFLATED_BYTES)
  if (body === undefined) return fail('payload')
  return { ok: true, payload: { ...payload, body }, key }
}

/** base64url characters for `n` bytes, unpadded. */
function encodedLength(n: number): number {
  return Math.ceil((n * 4) / 3)
}

function fail(reason: InvalidReason): UnsealResult {
  return { ok: false, reason }
}
