// DBSC proofs: the ES256 JWTs a browser sends in `Secure-Session-Response` (W3C DBSC draft,
// "DBSC proof"; RFC 7515 compact serialization). Verified with WebCrypto alone: the public key is
// imported from its JWK (RFC 7518 section 6.2.1, P-256 only), and the signature is the raw r || s
// pair of 64 bytes that JWS uses for ES256 (RFC 7518 section 3.4), which is also WebCrypto's form.
//
// Parsing is strict and bounded: a proof longer than MAX_PROOF_LENGTH is refused unread, every
// part must be canonical base64url, and nothing a client sends ever throws.

import { base64urlDecode, encoder, utf8Decode } from '../../core/encoding.ts'

/** @internal An uncompressed P-256 point, as base64url coordinates of 32 bytes each. */
export interface PublicKey {
  readonly x: string
  readonly y: string
}

/** @internal A well-formed proof, before its signature is checked. */
export interface Proof {
  /** The challenge it answers. */
  readonly jti: string
  /** The key in its header: present at registration, refused at refresh. */
  readonly jwk: PublicKey | undefined
  /** The `authorization` claim, when the browser copied one. */
  readonly authorization: string | undefined
  readonly signed: Uint8Array
  readonly signature: Uint8Array
}

/** @internal Why a proof was refused before any signature check. */
export type ProofFailure = 'malformed' | 'algorithm' | 'key'

/** @internal A header line with a longer proof is refused before decoding (a proof with its key is ~600). */
export const MAX_PROOF_LENGTH = 4096
const MAX_CHALLENGE_LENGTH = 512
const COORDINATE_BYTES = 32
const SIGNATURE_BYTES = 64

/** @internal Reads the structure of a compact ES256 DBSC proof. Never throws. */
export function parseProof(jwt: string): Proof | ProofFailure {
  if (jwt.length > MAX_PROOF_LENGTH) return 'malformed'
  const parts = jwt.split('.')
  if (parts.length !== 3) return 'malformed'
  const [h, p, s] = parts as [string, string, string]
  const header = jsonObject(h)
  const payload = jsonObject(p)
  const signature = base64urlDecode(s)
  if (!header || !payload || !signature) return 'malformed'
  // The algorithm is checked before anything else it governs: no `none`, no RS256, no HS256.
  if (own(header, 'alg') !== 'ES256') return 'algorithm'
  if (own(header, 'typ') !== 'dbsc+jwt' || signature.length !== SIGNATURE_BYTES) return 'malformed'
  const jti = own(payload, 'jti')
  const authorization = own(payload, 'authorization')
  if (typeof jti !== 'string' || !jti || jti.length > MAX_CHALLENGE_LENGTH) return 'malformed'
  if (authorization !== undefined && typeof authorization !== 'string') return 'malformed'
  let jwk: PublicKey | undefined
  if (own(header, 'jwk') !== undefined) {
    const key = publicKeyOf(own(header, 'jwk'))
    if (!key) return 'key'
    jwk = key
  }
  return { jti, jwk, authorization, signed: encoder.encode(`${h}.${p}`), signature }
}

/**
 * @internal
 * Whether `proof` is signed by `key`. Never throws: a point off the curve, which some runtimes
 * refuse at import, is a failed check like any other.
 */
export async function verifyProof(proof: Proof, key: PublicKey): Promise<boolean> {
  try {
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    )
    return await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      proof.signature as BufferSource,
      proof.signed as BufferSource,
    )
  } catch {
    return false
  }
}

/** @internal A P-256 public JWK's coordinates; `undefined` for any other key, and for any private key. */
export function publicKeyOf(value: unknown): PublicKey | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { kty, crv, x, y } = {
    kty: own(value, 'kty'),
    crv: own(value, 'crv'),
    x: own(value, 'x'),
    y: own(value, 'y'),
  }
  // A `d` member is a private key: a client that sends one has leaked it, and it is not ours to keep.
  if (kty !== 'EC' || crv !== 'P-256' || own(value, 'd') !== undefined) return undefined
  if (!isCoordinate(x) || !isCoordinate(y)) return undefined
  return { x, y }
}

function isCoordinate(value: unknown): value is string {
  return typeof value === 'string' && base64urlDecode(value)?.length === COORDINATE_BYTES
}

/** A base64url part holding a JSON object, or `undefined`. */
function jsonObject(part: string): object | undefined {
  const bytes = base64urlDecode(part)
  const text = bytes && utf8Decode(bytes)
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** An own property only: nothing inherited (a polluted `Object.prototype`) is ever read as a claim. */
function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined
}
