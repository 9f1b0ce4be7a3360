// Regenerates test/vectors.json. Run only when the token format version changes: the committed
// vectors freeze format v1, and the suite fails if sealing ever produces different bytes.
//   npx tsx scripts/make-vectors.ts > test/vectors.json
import { base64urlEncode } from '../src/encoding.ts'
import { getKeyring, normalizeSecrets } from '../src/keys.ts'
import { seal } from '../src/token.ts'

const secret = 'vector-secret-do-not-use-0123456789abcdefghij'
const cases = [
  { mode: 'encrypted', name: 'session', body: '{"count":1}' },
  { mode: 'encrypted', name: '__Host-s', body: '{"user":"ada","roles":["admin"],"emoji":"\u{1F36A}"}' },
  { mode: 'encrypted', name: 'session', body: '[{"n":2},{"notice":"hi"}]' },
  { mode: 'signed', name: 'session', body: '{"count":1}' },
  { mode: 'signed', name: 'sid', body: '{"user":"ada","roles":["admin"],"emoji":"\u{1F36A}"}' },
] as const
const out = []
for (const [i, c] of cases.entries()) {
  const ring = await getKeyring(normalizeSecrets(secret), c.mode)
  const sid = Uint8Array.from({ length: 12 }, (_, j) => j + i)
  const iv = Uint8Array.from({ length: 12 }, (_, j) => 255 - j - i)
  const created = 1767225600000 + i
  const touched = created + 1000 * i
  const token = await seal(
    { created, touched, sid, body: new TextEncoder().encode(c.body) },
    ring,
    c.mode,
    c.name,
    iv,
  )
  out.push({ ...c, secret, created, touched, sid: base64urlEncode(sid), iv: base64urlEncode(iv), token })
}
console.log(JSON.stringify(out, null, 2))
