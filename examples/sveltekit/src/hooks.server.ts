// src/hooks.server.ts: the session on `event.locals` for every request (with other hooks, through
// `sequence`). It writes the cookie onto whatever SvelteKit answers: pages, `__data.json`, form
// actions and endpoints.
import { session } from 'sealed-session/sveltekit'
import { SESSION_SECRET } from '$app/env/private'
import { demoSettings } from './lib/server/demo-checks' // demo checks

export const handle = session({
  secret: SESSION_SECRET ?? '', // unset, the server refuses to start
  ...demoSettings, // demo checks
})
