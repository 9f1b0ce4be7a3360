// The revocation conformance suite (test/revocation-conformance.ts) on each real store, on the
// runtime that has it: the memory store everywhere; Redis on Node 20+ (node-redis) and Bun (its
// built-in RedisClient), against the redis-server test/run.mjs starts; Workers KV and a Durable
// Object on workerd (miniflare's own implementations, bound by test/runtimes/workerd.mjs); Deno KV
// in memory on Deno (--unstable-kv). A store missing where it belongs skips, which fails under
// CI=true.
import {
  type DenoKvLike,
  type DurableObjectNamespaceLike,
  denoKvStore,
  durableObjectStore,
  type KvNamespaceLike,
  kvStore,
  memoryStore,
  type RedisCommands,
  redisStore,
} from 'sealed-session/revocation'
import { env, skip } from './harness.ts'
import { conformance, unique } from './revocation-conformance.ts'

conformance('memory', async (clock) => ({ store: memoryStore({ now: clock.now }) }), {
  expiry: 'fake',
  atomic: true,
})

// --- Redis ---------------------------------------------------------------------------------------

const REDIS_RUNTIMES = /^(node v(2\d|[3-9]\d)\.|bun )/

async function openRedis(): Promise<{ client: RedisCommands; close: () => Promise<void> | void }> {
  const url = env.redisUrl
  if (url === undefined) skip('no redis-server (test/run.mjs starts one when redis-server is installed)')
  const bun = (globalThis as { Bun?: { RedisClient: new (url: string) => RedisCommands & BunClient } }).Bun
  if (bun) {
    const client = new bun.RedisClient(url)
    await client.connect()
    return { client, close: () => client.close() }
  }
  // A variable, so only Node resolves it: node-redis is a devDependency, never bundled.
  const spec = 'redis'
  const { createClient } = (await import(spec)) as {
    createClient(o: { url: string }): { connect(): Promise<NodeRedis> }
  }
  const client = await createClient({ url }).connect()
  return { client, close: () => client.close() }
}
interface BunClient {
  connect(): Promise<void>
  close(): void
}
interface NodeRedis {
  sendCommand(args: string[]): Promise<unknown>
  close(): Promise<void>
}

conformance(
  'redis',
  async () => {
    const { client, close } = await openRedis()
    return { store: redisStore(client, { prefix: `test:${unique()}:` }), close }
  },
  { expiry: 'real', atomic: true },
  REDIS_RUNTIMES,
)

// --- Workers KV and Durable Objects -----------------------------------------------------------

function binding<T>(name: string): T {
  const found = env.bindings?.[name]
  if (found === undefined) skip(`no ${name} binding (test/runtimes/workerd.mjs binds it)`)
  return found as T
}

conformance(
  'Workers KV',
  async () => ({ store: kvStore(binding<KvNamespaceLike>('REVOCATION_KV'), { prefix: `${unique()}:` }) }),
  // KV's shortest expiry is 60 s, too long to wait for; and it has no compare-and-set.
  { expiry: 'none', atomic: false },
  /^workerd /,
)

conformance(
  'Durable Object',
  async () => ({
    store: durableObjectStore(binding<DurableObjectNamespaceLike>('REVOCATION_DO'), { name: unique() }),
  }),
  { expiry: 'real', atomic: true },
  /^workerd /,
)

// --- Deno KV ---------------------------------------------------------------------------------------

conformance(
  'Deno KV',
  async () => {
    const deno = (
      globalThis as { Deno?: { openKv?: (path: string) => Promise<DenoKvLike & { close(): void }> } }
    ).Deno
    if (typeof deno?.openKv !== 'function') skip('Deno.openKv is missing (run deno with --unstable-kv)')
    const kv = await deno.openKv(':memory:')
    return { store: denoKvStore(kv), close: () => kv.close() }
  },
  // Deno KV deletes expired keys lazily: an entry may outlive its expireIn (harmless: it names
  // sessions that have expired anyway).
  { expiry: 'none', atomic: true },
  /^deno /,
)
