// The demo on Deno: from this folder, `deno task start`, then open http://localhost:8787
// Environment: the SESSION_* settings (see ../app.ts), PORT, HOST.
// deno.json maps `sealed-session` to this repository's src/; an app of yours maps it to the package.
import { configFromEnv, createApp } from '../app.ts'

const app = createApp(configFromEnv((name) => Deno.env.get(name)))

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8787),
    hostname: Deno.env.get('HOST') ?? 'localhost',
    onListen: ({ port }) => console.log(`sealed-session demo on http://localhost:${port}`),
  },
  app,
)
