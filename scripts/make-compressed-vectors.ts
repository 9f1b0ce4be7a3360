// Regenerates test/vectors-compressed.json: tokens with raw-DEFLATE bodies (uppercase mode
// letter). The committed file froze format v1, still read; regenerating now writes v2. DEFLATE output differs between runtimes' zlib builds, so these freeze what a
// reader must open, not what every sealer must produce.
//   npx tsx scripts/make-compressed-vectors.ts > test/vectors-compressed.json

import { base64urlEncode } from '../src/core/encoding.ts'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { setNextIvForTests } from '../src/core/testing.ts'
import { seal } from '../src/core/token.ts'
import { compression } from '../src/features/compression.ts'

const secret = 'vector-secret-do-not-use-0123456789abcdefghij'
const cart = Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: (i % 3) + 1, price: 1999 }))
const cases = [
  { mode: 'encrypted', name: 'session', body: JSON.stringify({ user: 'ada', cart }) },
  {
    mode: 'encrypted',
    name: '__Host-s',
    body: JSON.stringify([{ emoji: '\u{1F36A}'.repeat(40) }, { notice: 'hi' }]),
  },
  { mode: 'signed', name: 'session', body: JSON.stringify({ roles: Array(20).fill('viewer'), cart }) },
] as const
const out = []
for (const [i, c] of cases.entries()) {
  const ring = await getKeyring(normalizeSecrets(secret), c.mode)
  const sid = Uint8Array.from({ length: 12 }, (_, j) => j + i + 10)
  const iv = Uint8Array.from({ length: 12 }, (_, j) => 200 - j - i)
  const created = 1767225600000 + i
  const touched = created + 1000 * i
  const body = new TextEncoder().encode(c.body)
  setNextIvForTests(iv)
  const token = await seal({ created, touched, sid, body }, ring, c.mode, c.name, compression())
  if (token[0] !== token[0]!.toUpperCase()) throw new Error(`case ${i} did not compress`)
  out.push({ ...c, secret, created, touched, sid: base64urlEncode(sid), iv: base64urlEncode(iv), token })
}
console.log(JSON.stringify(out, null, 2))
