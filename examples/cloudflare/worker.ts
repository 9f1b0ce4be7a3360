// The demo on Cloudflare Workers: `npx wrangler dev` from the repository root (wrangler.toml's
// `main` is this file). Bindings: SESSION_SECRET (a secret: .dev.vars locally, `wrangler secret
// put` in production), SESSION_MAX_AGE, SESSION_COOKIE (see ../app.ts).
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
