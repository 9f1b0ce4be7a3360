// src/app.d.ts: the session's type on `event.locals`, through SvelteKit's own App namespace.
import type { Session } from 'sealed-session/sveltekit'

declare global {
  namespace App {
    interface Locals {
      session: Session<{ count: number; user: string }, { notice: string }>
    }
  }
}
