// src/env.d.ts: the session's data and flash messages, typed for every page and endpoint.
declare namespace App {
  interface Locals {
    sealedSession: import('sealed-session').Session<
      {
        count: number
        user: string
        page: string // demo checks
        late: string // demo checks
      },
      { notice: string }
    >
  }
}
