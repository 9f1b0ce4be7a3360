// The session's type on `event.locals`, through SvelteKit's own App namespace.
import type { Session } from 'sealed-session/sveltekit'

export interface DemoSession {
  count: number
  user: string
  note: string
}

declare global {
  namespace App {
    interface Locals {
      session: Session<DemoSession, { notice: string }>
    }
  }
}
