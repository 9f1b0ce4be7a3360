// Regenerates test/vectors.json. Run only when the token format version changes: the committed
// vectors freeze format v2, and the suite fails if sealing ever produces different bytes.
// (test/vectors-v1.json froze v1, which is still read but no longer written.)
//   npx tsx scripts/make-vectors.ts > test/vectors.json
import { base64urlEncode } from '../src/core/encoding.ts'
import { getKeyring, normalizeSecrets } from '../src/core/keys.ts'
import { setNextIvForTests } from '../src/core/testing.ts'
import { seal } from '../src/core/token.ts'

const secret = 'vector-secret-do-not-use-0123456789abcdefghij'
const remember = { persistent: true, maxAge: 30 * 86400, idleTimeout: 7 * 86400 }
const browser = { persistent: false, maxAge: 8 * 3600, idleTimeout: 3600 }
const cases = [
  { mode: 'encrypted', name: 'session', body: '{"count":1}' },
  { mode: 'encrypted', name: '__Host-s', body: '{"user":"ada","roles":["admin"],"emoji":"\u{1F36A}"}' },
  { mode: 'encrypted', name: 'session', body: '[{"n":2},{"notice":"hi"}]' },
  { mode: 'encrypted', name: 'session', body: '{"user":"ada"}', lifetime: remember },
  { mode: 'encrypted', name: 'session', body: '{"user":"ada"}', lifetime: browser },
  { mode: 'signed', name: 'session', body: '{"count":1}' },
  { mode: 'signed', name: 'sid', body: '{"user":"ada","roles":["admin"],"emoji":"\u{1F36A}"}' },
  { mode: 'signed', name: 'session', body: '{"user":"ada"}', lifetime: browser },
] as const
const out = []
for (const [i, c] of cases.entries()) {
  const ring = await getKeyring(normalizeSecrets(secret), c.mode)
  const sid = Uint8Array.from({ length: 12 }, (_, j) => j + i)
  const iv = Uint8Array.from({ length: 12 }, (_, j) => 255 - j - i)
  const created = 1767225600000 + i
  const touched = created + 1000 * i
  const lifetime = 'lifetime' in c ? c.lifetime : undefined
  setNextIvForTests(iv)
  const token = await seal(
    { created, touched, sid, lifetime, body: new TextEncoder().encode(c.body) },
    ring,
    c.mode,
    c.name,
  )
  out.push({ ...c, secret, created, touched, sid: base64urlEncode(sid), iv: base64urlEncode(iv), token })
}
console.log(JSON.stringify(out, null, 2))
