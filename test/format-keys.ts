// The keys of docs/FORMAT.md, derived here from the document alone (never from the library), for
// the independent readers in token, compression and seal tests.
import { base64urlEncode } from '../src/core/encoding.ts'

const te = new TextEncoder()

/** What a FORMAT.md label names: a session mode's key, or a one-off token key. */
export type FormatLabel = 'aes-256-gcm' | 'hmac-sha-256' | 'seal aes-256-gcm'

/**
 * HKDF-SHA-256 with salt `sealed-session`: the key (`sealed-session v1 <label>`) and its 4-character
 * id (`sealed-session v1 key id <label>`, 24 bits, base64url).
 */
export async function formatKey(
  secret: string,
  label: FormatLabel,
  usages: KeyUsage[],
): Promise<{ id: string; key: CryptoKey }> {
  const ikm = await crypto.subtle.importKey('raw', te.encode(secret), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ])
  const hkdf = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: te.encode('sealed-session'),
    info: te.encode(info),
  })
  const id = base64urlEncode(
    new Uint8Array(await crypto.subtle.deriveBits(hkdf(`sealed-session v1 key id ${label}`), ikm, 24)),
  )
  const algorithm =
    label === 'hmac-sha-256'
      ? { name: 'HMAC', hash: 'SHA-256', length: 256 }
      : { name: 'AES-GCM', length: 256 }
  const key = await crypto.subtle.deriveKey(hkdf(`sealed-session v1 ${label}`), ikm, algorithm, false, usages)
  return { id, key }
}
