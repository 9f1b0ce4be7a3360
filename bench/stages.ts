// Where the time of a round trip goes: each step of this library's read and write path timed on
// its own, beside the floor's two halves, in the same interleaved rounds (bench/harness.ts).
// Portable: bench/run.ts runs it on Node and, through the portable entries, on workerd, where a
// crypto call is cheap enough for the fixed JS work to show. `npm run bench -- --only stages`.

import { base64urlDecode, encoder, utf8Decode } from '../src/core/encoding.ts'
import { keyringOf } from '../src/core/keys.ts'
import { resolveOptions } from '../src/core/options.ts'
import { openValue } from '../src/core/read.ts'
import { createSessionStore } from '../src/core/resolver.ts'
import { jsonSerializer } from '../src/core/serializer.ts'
import { tokenCodec } from '../src/core/token.ts'
import { floor } from './codecs.ts'
import { DATA, type Data, NAME, SECRET, type Size } from './data.ts'
import { type Case, measure, nsPerOp, type TimingOptions } from './harness.ts'

export interface StageRow {
  size: Size
  id: string
  label: string
  ns: number
}

/** The steps, in the order a round trip runs them; `floor-*` are the floor codec's halves. */
export async function stagesSection(timing: TimingOptions, sizes: readonly Size[] = ['56 B', '3 KB']) {
  const rows: StageRow[] = []
  const config = resolveOptions({ secret: SECRET, cookie: { name: NAME } })
  const ring = await keyringOf(config.secrets, 'encrypted')()
  const codec = tokenCodec(NAME, 'encrypted')
  const store = createSessionStore<Data>({
    secret: SECRET,
    cookie: { name: NAME },
    serializer: jsonSerializer,
  })
  const floorCodec = await floor()
  const decoder = new TextDecoder()
  for (const size of sizes) {
    const data = DATA[size]
    const text = JSON.stringify(data)
    const now = Date.now()
    const token = await codec.seal(
      { created: now, touched: now, sid: new Uint8Array(12), lifetime: undefined, body: text },
      ring,
    )
    const opened = await codec.unseal(token, ring)
    if (!opened.ok) throw new Error('the stage fixture does not open')
    const body = opened.payload.body
    const floorSealed = await floorCodec.seal(data)
    const cookie = `${NAME}=${token}`
    const steps: [string, string, () => unknown][] = [
      ['floor-seal', 'floor: JSON, encrypt, base64url', () => floorCodec.seal(data)],
      ['floor-open', 'floor: base64url, decrypt, JSON', () => floorCodec.unseal(floorSealed)],
      ['json-stringify', 'JSON.stringify alone', () => JSON.stringify(data)],
      ['strict-stringify', 'strict serializer (walk + JSON.stringify)', () => jsonSerializer.stringify(data)],
      [
        'codec-seal',
        'token seal (metadata, id + IV draw, encrypt, base64url)',
        () =>
          codec.seal(
            { created: now, touched: now, sid: new Uint8Array(12), lifetime: undefined, body: text },
            ring,
          ),
      ],
      ['codec-open', 'token open (base64url, decrypt, metadata)', () => codec.unseal(token, ring)],
      [
        'base64url-decode',
        'base64url decode of the token',
        () => base64urlDecode(token.slice(token.indexOf('.') + 1)),
      ],
      ['text-decoder', 'TextDecoder.decode alone', () => decoder.decode(body)],
      ['utf8-check', 'UTF-8 decode with validity check', () => utf8Decode(body)],
      ['json-parse', 'JSON.parse alone', () => JSON.parse(text)],
      [
        'open-value',
        'token open + UTF-8 + lifetimes + parse (the store read step)',
        () => openValue({ config, codec }, token, ring, Date.now()),
      ],
      ['text-encoder', 'TextEncoder.encode alone', () => encoder.encode(text)],
      ['store-load', 'store.load(Cookie header): + cookie parsing, Session', () => store.load(cookie)],
      [
        'store-write',
        'store.load(null), replace, commit: + Session, Set-Cookie line',
        async () => {
          const session = await store.load(null)
          session.replace(data)
          return store.commit(session)
        },
      ],
    ]
    const cases: Case[] = steps.map(([id, , fn]) => ({ id, fn }))
    const samples = await measure(cases, timing)
    for (const [id, label] of steps) rows.push({ size, id, label, ns: nsPerOp(samples, id) })
  }
  return rows
}
