// The demo on Deno: from this folder, `deno task start`, then open http://localhost:8787
// Environment: the SESSION_* settings (see ../app.ts), PORT, HOST; SESSION_KV, a Deno KV path
// (default: in memory) for `POST /logout-everywhere` (run with --unstable-kv).
// deno.json maps `sealed-session` to this repository's src/; an app of yours maps it to the package.
import { denoKvStore, revocation } from 'sealed-session/revocation'
import { configFromEnv, createApp, type DemoSession } from '../app.ts'

// Deno Deploy: `Deno.openKv()` with no path is the project's KV, strongly consistent.
const kv = await Deno.openKv(Deno.env.get('SESSION_KV') ?? ':memory:')
const app = createApp({
  ...configFromEnv((name) => Deno.env.get(name)),
  revocation: revocation<DemoSession>({ store: denoKvStore(kv), subject: (session) => session.get('user') }),
})

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8787),
    hostname: Deno.env.get('HOST') ?? 'localhost',
    onListen: ({ port }) => console.log(`sealed-session demo on http://localhost:${port}`),
  },
  app,
)
