// Byte <-> text helpers. Base64url decoding is strict and canonical (RFC 4648 section 3.5):
// no padding, no whitespace, no characters outside the URL-safe alphabet, and the unused low
// bits of the last character must be zero, so every byte string has exactly one encoding and a
// changed last character can never decode to the same bytes.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const CODES = new Uint8Array(64)
// Indexed by byte, so bytes of non-ASCII characters (128 and up) are -1 too.
const DECODE = new Int8Array(256).fill(-1)
for (let i = 0; i < 64; i++) {
  CODES[i] = ALPHABET.charCodeAt(i)
  DECODE[ALPHABET.charCodeAt(i)] = i
}

/** @internal */
export const encoder: TextEncoder = new TextEncoder()
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true })
const ascii = new TextDecoder()

interface NativeBase64 {
  toBase64?: (this: Uint8Array, options: { alphabet: 'base64url'; omitPadding: true }) => string
}
interface NativeBase64Ctor {
  fromBase64?: (
    input: string,
    options: { alphabet: 'base64url'; lastChunkHandling: 'strict' },
  ) => Uint8Array<ArrayBuffer>
}
// TC39 Uint8Array base64 (Bun, Deno, Node 25+, recent browsers); fall back to our own loops.
const nativeTo = (Uint8Array.prototype as NativeBase64).toBase64
const nativeFrom = (Uint8Array as NativeBase64Ctor).fromBase64

/** @internal */
export function base64urlEncode(bytes: Uint8Array): string {
  if (nativeTo) return nativeTo.call(bytes, { alphabet: 'base64url', omitPadding: true })
  // Characters go into a byte array that one native ASCII decode turns into a string: several
  // times faster than growing a string four characters at a time.
  const n = bytes.length
  const out = new Uint8Array(Math.ceil((n * 4) / 3))
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out[o++] = CODES[v >> 18] as number
    out[o++] = CODES[(v >> 12) & 63] as number
    out[o++] = CODES[(v >> 6) & 63] as number
    out[o++] = CODES[v & 63] as number
  }
  if (i < n) {
    const a = bytes[i] as number
    const b = i + 1 < n ? (bytes[i + 1] as number) : 0
    const v = (a << 16) | (b << 8)
    out[o++] = CODES[v >> 18] as number
    out[o++] = CODES[(v >> 12) & 63] as number
    if (i + 1 < n) out[o] = CODES[(v >> 6) & 63] as number
  }
  return ascii.decode(out)
}

/** @internal Decodes canonical unpadded base64url; returns `undefined` for anything else. Never throws. */
export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> | undefined {
  const n = text.length
  const rem = n & 3
  if (rem === 1) return undefined
  if (nativeFrom) {
    let out: Uint8Array<ArrayBuffer>
    try {
      // 'strict' wants the last chunk padded (and checks its unused bits are zero); pad it here.
      const padded = rem === 0 ? text : rem === 2 ? `${text}==` : `${text}=`
      // It throws on any character outside the base64url alphabet other than ASCII whitespace and
      // '=' padding.
      out = nativeFrom(padded, { alphabet: 'base64url', lastChunkHandling: 'strict' })
    } catch {
      return undefined
    }
    // Whitespace and '=' are skipped or end the data, so text holding any of them decodes to
    // fewer bytes than its length promises (n -> 3n/4 rounded down strictly grows over the lengths
    // that decode): one length check instead of a scan of every character.
    return out.length === (n * 3) >> 2 ? out : undefined
  }
  // One native encode to bytes, then table lookups on bytes (cheaper than charCodeAt per
  // character). Any non-ASCII character makes the byte count differ from the length.
  const src = encoder.encode(text)
  if (src.length !== n) return undefined
  const out = new Uint8Array((n * 3) >> 2)
  let o = 0
  let i = 0
  const full = n - rem
  for (; i < full; i += 4) {
    const v =
      ((DECODE[src[i] as number] as number) << 18) |
      ((DECODE[src[i + 1] as number] as number) << 12) |
      ((DECODE[src[i + 2] as number] as number) << 6) |
      (DECODE[src[i + 3] as number] as number)
    // A -1 (not in the alphabet) shifted left is still negative and poisons the OR.
    if (v < 0) return undefined
    out[o++] = v >> 16
    out[o++] = (v >> 8) & 255
    out[o++] = v & 255
  }
  if (rem === 2) {
    const a = DECODE[src[i] as number] as number
    const b = DECODE[src[i + 1] as number] as number
    // Canonical: the 4 unused low bits of the last character are zero.
    if ((a | b) < 0 || (b & 15) !== 0) return undefined
    out[o] = (a << 2) | (b >> 4)
  } else if (rem === 3) {
    const a = DECODE[src[i] as number] as number
    const b = DECODE[src[i + 1] as number] as number
    const c = DECODE[src[i + 2] as number] as number
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined
    out[o++] = (a << 2) | (b >> 4)
    out[o] = ((b & 15) << 4) | (c >> 2)
  }
  return out
}

/** @internal Strict UTF-8 decode; `undefined` for invalid sequences. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  // The replacing decoder is the fast path on every engine (the fatal one costs a microsecond more
  // on Deno). It turns each invalid sequence into U+FFFD, so text without one had none; text with
  // one (which valid UTF-8 may carry too) is decoded again strictly.
  const text = utf8Lenient.decode(bytes)
  if (!text.includes('\uFFFD')) return text
  try {
    return utf8Fatal.decode(bytes)
  } catch {
    return undefined
  }
}
