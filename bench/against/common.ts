// The part of a build adapter every layout shares: the public API, reached through the build's
// own `sealed-session` and `sealed-session/hono` exports (bench/against/builds.ts resolves them
// from that build's package.json). Copied into each build's directory with the layout adapter.

import { createSessionStore, TokenCache } from 'sealed-session'
import { session } from 'sealed-session/hono'
import type { BuildApi, Mode, SessionLike, StoreLike, TokenLike } from './api.ts'

export function buildApi(
  layout: string,
  token: (mode: Mode, name: string, secret: string) => Promise<TokenLike>,
): BuildApi {
  return {
    layout,
    token,
    store(mode, name, secret): StoreLike {
      const store = createSessionStore({ secret, mode, cookie: { name } })
      return {
        load: (cookie) => store.load(cookie) as Promise<SessionLike>,
        async commit(s) {
          // Before the redesign `commit()` returned the Set-Cookie lines; since, a record holding them.
          const commit: unknown = await store.commit(s as never)
          return Array.isArray(commit) ? commit : (commit as { setCookie: string[] }).setCookie
        },
      }
    },
    hono: (options) => session(options as never) as never,
    tokenCache: () => new TokenCache(),
  }
}
