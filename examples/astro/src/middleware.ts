// src/middleware.ts: the session on `locals.sealedSession` for every page and endpoint (with other
// middleware, through `sequence`).
import { SESSION_SECRET } from 'astro:env/server'
import { sealedSession } from 'sealed-session/astro'
import { demoSettings } from './demo-checks' // demo checks

export const onRequest = sealedSession({
  secret: SESSION_SECRET,
  ...demoSettings, // demo checks
})
