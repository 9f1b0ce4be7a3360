// "After": the app on sealed-session, reading the cookies the old libraries wrote (before.mjs)
// so the switch logs nobody out. The first request with an old cookie opens it with that
// library's checks, and its response re-seals the session as ours and deletes the old cookies.
// GET / answers with the session's data and flash as JSON.
import { withSession } from 'sealed-session'
import { chunking } from 'sealed-session/chunks'
import { cookieSession } from 'sealed-session/legacy/cookie-session'
import { iron } from 'sealed-session/legacy/iron'
import { reactRouter } from 'sealed-session/legacy/react-router'

/** What the old apps were configured with: the same names, keys, passwords and secrets. */
export interface OldSettings {
  cookieSessionKeys: string[]
  ironPassword: string | Record<number, string>
  reactRouterSecrets: string[]
}

export function app(secret: string, old: OldSettings, now?: () => number) {
  return withSession<{ user?: string; roles?: string[] }, [], { notice: string }>(
    (_request, session) =>
      Response.json({ isNew: session.isNew, data: session.data, notice: session.flash('notice') ?? null }),
    {
      secret,
      // iron-session may have split a large session over several cookies: so may we.
      chunks: chunking(4),
      ...(now ? { now } : {}),
      legacy: [
        cookieSession({ name: 'session', keys: old.cookieSessionKeys }),
        iron({ cookieName: 'app', password: old.ironPassword }),
        reactRouter({ name: '__session', secrets: old.reactRouterSecrets }),
      ],
    },
  )
}
