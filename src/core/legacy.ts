// The pipeline's legacy step: old libraries' session cookies, read when none of ours opened and
// forgotten at logout. Only the legacy readers reach this file (each carries it as its
// `runner`), so an app configured without one ships none of it; load.ts and write.ts call it
// through `parts.legacy`.

import type { CookieSpec } from './cookie.ts'
import type { LegacyRunner, StoreParts } from './parts.ts'
import type { InvalidReason } from './result.ts'
import type { Loaded } from './session-state.ts'

/** @internal What a legacy reader opened: the session, and the old cookies to delete. */
export interface LegacyOpened {
  readonly loaded: Loaded
  readonly expire: readonly CookieSpec[]
}

/** @internal What every legacy reader made by this library carries as its `runner`. */
export const legacyRunner: LegacyRunner = { read, forget }

/**
 * The first legacy reader that opens its own cookie in `header`, or the most telling reason none
 * did (`reason` is what our own cookie gave, if anything). On the request's clock, not the
 * store's first: an options function may give one per call.
 */
async function read(
  parts: StoreParts,
  header: string | null,
  now: () => number,
  reason: InvalidReason | undefined,
): Promise<LegacyOpened | { reason: InvalidReason | undefined }> {
  const { config } = parts
  const context = {
    name: config.cookie.name,
    now,
    stringify: (value: unknown) => config.serializer.stringify(value),
  }
  for (const reader of config.legacy) {
    const found = await reader.read(header, context)
    if (found?.ok) return { loaded: { ...found.loaded, legacy: true }, expire: found.expire }
    // A legacy cookie under our name is "malformed" to us: its reader says more.
    if (found && (reason ?? 'malformed') === 'malformed') reason = found.reason
  }
  return { reason }
}

/**
 * On logout: every cookie of every legacy reader the request carried, read or not, so that none
 * of them can bring the session back.
 */
function forget(
  parts: Pick<StoreParts, 'config'>,
  header: string | null,
  request: Request | undefined,
): readonly CookieSpec[] {
  return parts.config.legacy.flatMap((reader) => reader.forget(header, request))
}
