// The demo on Cloudflare Workers: `npm run start:worker` (wrangler dev; wrangler.toml's
// `main` is this file). Bindings: SESSION_SECRET (a secret: .dev.vars locally, `wrangler secret
// put` in production), SESSION_MAX_AGE, SESSION_COOKIE (see ../app.ts); REVOCATION_KV (a KV
// namespace) and REVOCATION_DO (a Durable Object) for `POST /logout-everywhere`:
// REVOCATION_STORE=do picks the Durable Object (strongly consistent), anything else KV (a
// revocation reaches other locations in about 60 s). The login form offers "bind this session to
// my device" (DBSC): the Worker answers its two endpoints itself, with no storage of its own.
import {
  type DurableObjectNamespaceLike,
  durableObjectStore,
  type KvNamespaceLike,
  kvStore,
  type Revocation,
  revocation,
} from 'sealed-session/revocation'
import { configFromEnv, createApp, type DemoSession } from '../app.ts'

// Workers find Durable Object classes among the main module's exports.
export { RevocationObject } from 'sealed-session/revocation'

type Env = Record<string, string | undefined> & {
  REVOCATION_KV?: KvNamespaceLike
  REVOCATION_DO?: DurableObjectNamespaceLike
}
let app: ReturnType<typeof createApp> | undefined

function revoker(env: Env): Revocation<DemoSession> | undefined {
  const store =
    env.REVOCATION_STORE === 'do' && env.REVOCATION_DO
      ? durableObjectStore(env.REVOCATION_DO)
      : env.REVOCATION_KV && kvStore(env.REVOCATION_KV)
  return store ? revocation<DemoSession>({ store, subject: (session) => session.get('user') }) : undefined
}

export default {
  fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    // Bindings arrive with the first request, not at module load.
    if (app === undefined) {
      const config = configFromEnv((name) => env[name] as string | undefined)
      const revocation = revoker(env)
      app = createApp(revocation ? { ...config, revocation } : config)
    }
    return app(request, env, ctx)
  },
}
