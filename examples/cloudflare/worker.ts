// The demo on Cloudflare Workers: `wrangler dev examples/cloudflare/worker.ts`.
// Bindings: SESSION_SECRET (a secret), SESSION_MAX_AGE, SESSION_COOKIE (see ../app.ts).
import { configFromEnv, createApp } from '../app.ts'

type Env = Record<string, string | undefined>
let app: ReturnType<typeof createApp> | undefined

export default {
  fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    // Bindings arrive with the first request, not at module load.
    app ??= createApp(configFromEnv((name) => env[name]))
    return app(request, env, ctx)
  },
}
