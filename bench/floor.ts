// The floor every candidate is measured against: the least a WebCrypto cookie can cost. Apart from
// bench/codecs.ts so that the side-by-side benchmark (bench/against/) bundles it without the peers.

import { base64urlDecode, base64urlEncode, encoder } from '../src/core/encoding.ts'
import { type Data, NAME, SECRET } from './data.ts'

export interface Codec {
  readonly id: string
  /** The cookie value(s) for `data`, as `name=value` pairs joined by '; ' when there are several. */
  seal(data: Data): Promise<string>
  /** The data back from what `seal` returned; throws when it does not verify. */
  unseal(sealed: string): Promise<unknown>
}

export type CodecFactory = () => Promise<Codec>

/** 32 key bytes for the candidates that take a raw key rather than a password. */
export const RAW_KEY = encoder.encode(SECRET).slice(0, 32)

/** The value of a `name=value` pair. */
export function value(pair: string): string {
  return pair.slice(pair.indexOf('=') + 1)
}

/**
 * The floor: one AES-GCM `encrypt` / `decrypt` with a key imported once, around JSON and
 * base64url. It uses this library's base64url helpers, so the gap between the floor and the
 * library is the library's own work (metadata, additional data, strict checks), not encoding.
 */
export function floor(): Promise<Codec> {
  return floorCodec(false)
}

/**
 * The floor plus 14 bytes of additional data, as this library's format binds the cookie name:
 * how much of the gap to the floor is the additional data alone (on Node 20 each extra member of
 * the algorithm parameters costs a few microseconds of WebIDL conversion).
 */
export function floorWithAad(): Promise<Codec> {
  return floorCodec(true)
}

async function floorCodec(withAad: boolean): Promise<Codec> {
  const key = await crypto.subtle.importKey('raw', RAW_KEY, 'AES-GCM', false, ['encrypt', 'decrypt'])
  const decoder = new TextDecoder()
  const aad = encoder.encode(`${NAME}=e1AAAA`)
  const params = (iv: Uint8Array<ArrayBuffer>): AesGcmParams =>
    withAad ? { name: 'AES-GCM', iv, additionalData: aad } : { name: 'AES-GCM', iv }
  return {
    id: withAad ? 'floor-aad' : 'floor',
    async seal(data) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const ct = await crypto.subtle.encrypt(params(iv), key, encoder.encode(JSON.stringify(data)))
      const out = new Uint8Array(12 + ct.byteLength)
      out.set(iv)
      out.set(new Uint8Array(ct), 12)
      return `${NAME}=${base64urlEncode(out)}`
    },
    async unseal(sealed) {
      const bytes = base64urlDecode(value(sealed))
      if (bytes === undefined) throw new Error('malformed')
      const pt = await crypto.subtle.decrypt(params(bytes.subarray(0, 12)), key, bytes.subarray(12))
      return JSON.parse(decoder.decode(pt))
    },
  }
}
