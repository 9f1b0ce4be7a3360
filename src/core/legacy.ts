// The pipeline's legacy step: old libraries' session cookies, read when none of ours opened and
// forgotten at logout. Only the legacy readers reach this file (each carries it as its
// `runner`), so an app configured without one ships none of it; load.ts and write.ts call it
// through `parts.legacy`.

import type { CookieSpec } from './cookie.ts'
import { STEP_VERSION } from './extensions.ts'
import type { LegacyRunner } from './parts.ts'
import type { Loaded } from './session-state.ts'

/** @internal What a legacy reader opened: the session, and the old cookies to delete. */
export interface LegacyOpened {
  readonly loaded: Loaded
  readonly expire: readonly CookieSpec[]
}

/** @internal What every legacy reader made by this library carries as its `runner`. */
export const legacyRunner: LegacyRunner = {
  version: STEP_VERSION,

  // Reader by reader; on the request's clock, not the store's first (an options function may
  // give one per call).
  async read(parts, header, request, now, reason) {
    const { config } = parts
    const stringify = (value: unknown) => config.serializer.stringify(value)
    const context = { name: config.cookie.name, now, stringify, request }
    for (const reader of config.legacy) {
      const found = await reader.read(header, context)
      if (found?.ok) return { loaded: { ...found.loaded, legacy: true }, expire: found.expire }
      // A legacy cookie under our name is "malformed" to us: its reader says more.
      if (found && (reason ?? 'malformed') === 'malformed') reason = found.reason
    }
    return { reason }
  },

  forget: (parts, header, request) => parts.config.legacy.flatMap((reader) => reader.forget(header, request)),
}
