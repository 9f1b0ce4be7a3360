/// <reference types="astro/client" />

// The session's data and flash messages, typed for every page and endpoint.
declare namespace App {
  interface Locals {
    sealedSession: import('sealed-session').Session<
      { count: number; user: string; note: string; page: string; late: string },
      { notice: string }
    >
  }
}
