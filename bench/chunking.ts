// Big sessions: cookie bytes with and without compression for realistic session JSON, and the
// time chunking and compression add to a request, as ratios against the single-cookie path in
// the same process. Self-contained (no shared harness), so it runs anywhere tsx does.
//
//   npm run bench:big            (tsx bench/chunking.ts)
//   npm run bench:big -- --quick (fewer rounds, for a smoke run)
//   node scripts/runtimes.mjs bun bench/chunking.ts   (or: ... deno run -A bench/chunking.ts)
import { joinChunks } from '../src/core/chunk-read.ts'
import { cookieSpec, readSessionCookies } from '../src/core/cookie.ts'
import { chunking, splitToken } from '../src/features/chunks.ts'
import { compression } from '../src/features/compression.ts'
import { type SessionOptions, withSession } from '../src/index.ts'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
const quick = process.argv.includes('--quick')

// --- realistic session data ----------------------------------------------------------------------

// A small deterministic PRNG (mulberry32): ids and prices vary like real data, runs repeat.
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['Classic', 'Organic', 'Wireless', 'Ergonomic', 'Compact', 'Deluxe', 'Travel', 'Smart', 'Linen']
const THINGS = ['Mug', 'Backpack', 'Headphones', 'Desk Lamp', 'Notebook', 'Water Bottle', 'Keyboard', 'Throw']
const RESOURCES = ['orders', 'invoices', 'customers', 'catalog', 'reports', 'settings', 'users', 'webhooks']
const ACTIONS = ['read', 'write', 'export', 'delete']

function hex(random: () => number, n: number): string {
  let out = ''
  for (let i = 0; i < n; i++) out += Math.floor(random() * 16).toString(16)
  return out
}

/** A logged-in user: profile, role permissions, a cart of `items` lines, and a CSRF token. */
function sessionData(items: number, permissions: number, seed = 1): Record<string, unknown> {
  const random = rng(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  return {
    user: {
      id: `usr_${hex(random, 24)}`,
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      locale: 'en-GB',
      timezone: 'Europe/London',
      avatar: `https://cdn.example.com/avatars/${hex(random, 32)}.png`,
      plan: 'business',
      createdAt: '2024-03-18T09:41:00.000Z',
    },
    org: { id: `org_${hex(random, 16)}`, name: 'Analytical Engines Ltd', role: 'admin' },
    permissions: Array.from(
      { length: permissions },
      (_, i) => `${RESOURCES[i % RESOURCES.length]}:${ACTIONS[Math.floor(i / RESOURCES.length) % 4]}`,
    ),
    cart: {
      id: `cart_${hex(random, 20)}`,
      currency: 'GBP',
      items: Array.from({ length: items }, () => ({
        sku: `SKU-${Math.floor(random() * 90000) + 10000}`,
        title: `${pick(WORDS)} ${pick(THINGS)}`,
        qty: 1 + Math.floor(random() * 3),
        unitPrice: Math.floor(random() * 9000) + 499,
        options: { color: pick(['black', 'white', 'navy', 'sage']), size: pick(['S', 'M', 'L']) },
      })),
    },
    csrf: hex(random, 32),
    flags: { betaDashboard: true, newCheckout: false },
  }
}

/** Data of about `target` bytes of JSON, growing the cart (and permissions) to get there. */
function sized(target: number): Record<string, unknown> {
  let items = 0
  for (;;) {
    const data = sessionData(items, Math.min(32, 4 + items))
    if (JSON.stringify(data).length >= target) return data
    items++
  }
}

// --- measuring -------------------------------------------------------------------------------------

type Handler = (request: Request) => Promise<Response>

/** A handler that replaces the session data with `?v=` stamped into it, or only reads when absent. */
function app(data: Record<string, unknown>, options: Partial<SessionOptions>): Handler {
  return withSession(
    (request, session) => {
      const v = new URL(request.url).searchParams.get('v')
      if (v !== null) session.replace({ ...data, v })
      else session.get('v')
      return new Response(null)
    },
    { secret: SECRET, ...options },
  )
}

function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .join('; ')
}

interface Written {
  cookies: number
  bytes: number
  header: string
}

async function write(handler: Handler): Promise<Written> {
  const response = await handler(new Request('http://localhost/?v=0'))
  const pairs = response.headers.getSetCookie().map((line) => line.split(';')[0]!)
  return {
    cookies: pairs.length,
    bytes: pairs.reduce((n, p) => n + p.length, 0),
    header: cookieHeader(response),
  }
}

/** µs per call of `fn` over one batch of `batch` calls. */
async function batchTime(fn: (i: number) => Promise<unknown>, batch: number): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < batch; i++) await fn(i)
  return ((performance.now() - start) * 1000) / batch
}

function median(samples: number[]): number {
  const sorted = samples.slice().sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

// --- the report --------------------------------------------------------------------------------------

const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } }
const runtime = g.Deno
  ? `Deno ${g.Deno.version.deno}`
  : g.Bun
    ? `Bun ${g.Bun.version}`
    : `Node ${process.version}`
console.log(`# sealed-session big sessions (${runtime}${quick ? ', --quick' : ''})\n`)

const sizes = [
  ['1 KB', sized(1024)],
  ['3 KB', sized(3 * 1024)],
  ['10 KB', sized(10 * 1024)],
] as const

console.log('## Cookie bytes (name=value summed over cookies; encrypted mode)\n')
console.log('| session JSON | bytes | plain: cookies / bytes | compressed: cookies / bytes | saved |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const [label, data] of sizes) {
  const json = JSON.stringify({ ...data, v: '0' }).length
  const plain = await write(app(data, { chunks: chunking(4) }))
  const packed = await write(app(data, { chunks: chunking(4), compress: compression() }))
  const saved = `${Math.round((1 - packed.bytes / plain.bytes) * 100)}%`
  console.log(
    `| ${label} realistic | ${json} | ${plain.cookies} / ${plain.bytes} | ${packed.cookies} / ${packed.bytes} | ${saved} |`,
  )
}

console.log('\n## Time per request (median µs; ratio to the 1 KB single-cookie path)\n')
console.log(
  '"read" is a request whose session is unchanged (unseal only); "write" changes it (unseal + seal).\n',
)
const scenarios: [string, Record<string, unknown>, Partial<SessionOptions>][] = [
  ['1 KB, one cookie (baseline)', sizes[0][1], {}],
  ['1 KB, compressed', sizes[0][1], { compress: compression() }],
  ['2.9 KB, one cookie', sized(2900), { chunks: chunking(4) }],
  ['3 KB, 2 chunks', sizes[1][1], { chunks: chunking(4) }],
  ['3 KB, compressed (1 cookie)', sizes[1][1], { chunks: chunking(4), compress: compression() }],
  ['10 KB, 4 chunks', sizes[2][1], { chunks: chunking(4) }],
  ['10 KB, compressed', sizes[2][1], { chunks: chunking(4), compress: compression() }],
]
const BATCH = quick ? 50 : 300
const ROUNDS = quick ? 3 : 9
const runs = []
for (const [label, data, options] of scenarios) {
  const handler = app(data, options)
  const { header, cookies } = await write(handler)
  const read = () => handler(new Request('http://localhost/', { headers: { cookie: header } }))
  const change = (i: number) =>
    handler(new Request(`http://localhost/?v=${i}`, { headers: { cookie: header } })).then((r) =>
      r.headers.getSetCookie(),
    )
  runs.push({ label, cookies, read, change, reads: [] as number[], writes: [] as number[] })
}
// Warm every path first, then interleave rounds so drift on a shared machine hits all alike.
for (const run of runs) {
  await batchTime(run.read, BATCH)
  await batchTime(run.change, BATCH)
}
for (let round = 0; round < ROUNDS; round++) {
  for (const run of runs) {
    run.reads.push(await batchTime(run.read, BATCH))
    run.writes.push(await batchTime(run.change, BATCH))
  }
}
console.log('| scenario | cookies | read µs | × | write µs | × |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
const baseRead = median(runs[0]!.reads)
const baseWrite = median(runs[0]!.writes)
for (const run of runs) {
  const read = median(run.reads)
  const writeUs = median(run.writes)
  console.log(
    `| ${run.label} | ${run.cookies} | ${read.toFixed(1)} | ${(read / baseRead).toFixed(2)} | ${writeUs.toFixed(1)} | ${(writeUs / baseWrite).toFixed(2)} |`,
  )
}

// Chunking's own work, apart from the crypto and JSON it shares with the single-cookie path:
// splitting a token into Set-Cookie lines, and reading and joining them back.
const spec = cookieSpec({})
const token = `e1AAAA.${'A'.repeat(13_800)}`
const lines = splitToken(spec.name, token, 4).map(
  (v, i) => `${i === 0 ? spec.name : `${spec.name}.${i}`}=${v}`,
)
const header = lines.join('; ')
const splitJoin = async () => {
  splitToken(spec.name, token, 4)
  const { values, chunks } = readSessionCookies(header, 'session', 4)
  return joinChunks('session', values[0]!, chunks, 4)
}
await batchTime(splitJoin, BATCH * 10)
const sjSamples: number[] = []
for (let r = 0; r < 5; r++) sjSamples.push(await batchTime(splitJoin, BATCH * 10))
const sj = median(sjSamples)
console.log(
  `\nSplitting a 13.8 KB token into ${lines.length} cookies and joining it back: ${sj.toFixed(2)} µs.`,
)
