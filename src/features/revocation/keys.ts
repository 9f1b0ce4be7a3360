// The keys the checks read and revocations write: a session id's, and a subject's "valid after"
// moment. A key over MAX_KEY_BYTES is replaced by the SHA-256 of its value under a key space of
// its own (`#` for `:`), so every short key stays as it was and no short key equals a hashed one.

import { base64urlEncode } from '../../core/encoding.ts'
import { MAX_KEY_BYTES } from './contract.ts'

const SESSION = 's'
const SUBJECT = 'u'

const utf8 = new TextEncoder()

/** @internal The store key of a revoked session id. */
export function sessionKey(id: string): string | Promise<string> {
  return keyOf(SESSION, id)
}

/** @internal The store key of a subject's "valid after" moment. */
export function subjectKey(subject: string): string | Promise<string> {
  return keyOf(SUBJECT, subject)
}

function keyOf(space: string, value: string): string | Promise<string> {
  const key = `${space}:${value}`
  // A UTF-16 unit is at most 3 bytes of UTF-8: most keys are measured without encoding them.
  if (key.length * 3 <= MAX_KEY_BYTES || utf8.encode(key).length <= MAX_KEY_BYTES) return key
  return crypto.subtle
    .digest('SHA-256', utf8.encode(value))
    .then((digest) => `${space}#${base64urlEncode(new Uint8Array(digest))}`)
}
