// Loading: read (read.ts) → legacy readers → gates, in that order, for any source of a session,
// then the `Session` the app gets. Never throws for anything the client sent.

import type { GateInstance } from './extensions.ts'
import type { Keyring } from './keys.ts'
import type { LegacyOpened } from './legacy.ts'
import type { StoreParts } from './parts.ts'
import {
  type CookieSource,
  cookieHeader,
  type Opened,
  type OurCookies,
  openCandidate,
  ourCookies,
} from './read.ts'
import { report } from './report.ts'
import type { InvalidReason } from './result.ts'
import { Session } from './session.ts'
import { clockOf, type Loaded, type SessionData, type SessionHandle } from './session-state.ts'
import type { Slot } from './write.ts'

/** @internal What varies per request besides the cookie: the clock and the report hook. */
export interface Hooks {
  readonly now: () => number
  readonly onInvalid: StoreParts['config']['onInvalid']
}

/** @internal A session opened for a request, and why the cookie gave none (if it did not). */
export interface Found {
  readonly session: Session<SessionData>
  readonly reason: InvalidReason | undefined
}

/** @internal The session `source` carries; a bad cookie's reason goes to `onInvalid`. */
export function loadSession(
  parts: StoreParts,
  source: CookieSource,
  hooks: Hooks,
): Promise<Session<SessionData>> {
  const request = source instanceof Request ? source : undefined
  return openSession(parts, cookieHeader(source), request, parts.gates, clockOf(hooks.now), hooks.onInvalid)
}

/**
 * @internal
 * Opens what `header` carries and runs `gates` on it: our cookie first (candidate by candidate,
 * chunks joined), then, when none of ours opened, the legacy readers. A session of ours that a
 * gate refused is not replaced by an old library's cookie beside it. Why the cookie gave no
 * session goes to `onInvalid`, told here rather than returned: one async step less per load.
 */
export function openSession(
  parts: StoreParts,
  header: string | null,
  request: Request | undefined,
  gates: readonly GateInstance[],
  clock: () => number,
  onInvalid: Hooks['onInvalid'],
): Promise<Session<SessionData>> {
  const now = clock()
  const cookies = ourCookies(header, parts.config)
  // The keys are derived on the first load, whatever it carries (a bad secret fails there).
  const ring = parts.keyring()
  const slot = slotOf(cookies, header, request)
  // Nothing to open and the keys ready: a new session without entering the async step below
  // (bench: store-load-null and store-replace were slower than the old build without this).
  if (cookies.values.length === 0 && !parts.legacy && !(ring instanceof Promise))
    return Promise.resolve(make(parts, undefined, slot, clock, now))
  return openCarried(parts, slot, cookies, ring, now, gates, clock, onInvalid)
}

/** {@link openSession} for a request that carries something to open (or keys still to derive). */
async function openCarried(
  parts: StoreParts,
  slot: Slot,
  cookies: OurCookies,
  ring: Keyring | Promise<Keyring>,
  now: number,
  gates: readonly GateInstance[],
  clock: () => number,
  onInvalid: Hooks['onInvalid'],
): Promise<Session<SessionData>> {
  const { header, request } = slot
  const keys = ring instanceof Promise ? await ring : ring
  let reason: InvalidReason | undefined
  let opened: Opened | LegacyOpened | undefined
  for (const value of cookies.values) {
    const result = await openCandidate(parts, value, cookies, keys, now)
    if (result.ok) {
      opened = result
      reason = undefined
      break
    }
    reason ??= result.reason
  }
  if (opened === undefined && parts.legacy) {
    const legacy = await parts.legacy.read(parts, header, request, clock, reason)
    if ('loaded' in legacy) [opened, reason] = [legacy, undefined]
    else reason = legacy.reason
  }
  let session: Session<SessionData>
  if (opened === undefined) session = make(parts, undefined, slot, clock, now)
  else {
    slot.keyId = 'keyId' in opened ? opened.keyId : ''
    slot.expire = 'expire' in opened ? opened.expire : []
    session = make(parts, opened.loaded, slot, clock, now)
    // Without gates, no await: each costs a turn of the microtask queue on every request.
    if (gates.length > 0)
      ({ session, reason } = await parts.runner!.admit(
        parts,
        gates,
        session,
        opened.loaded,
        slot,
        clock,
        now,
        reason,
      ))
  }
  if (reason !== undefined && onInvalid) report(onInvalid, reason, request)
  return session
}

/** The store's record on a session `header` carried (`cookies`: ours in it). */
function slotOf(cookies: OurCookies, header: string | null, request: Request | undefined): Slot {
  return {
    keyId: undefined,
    chunks: cookies.chunks,
    hadCookie: cookies.values.length > 0,
    expire: [],
    header,
    request,
    hold: undefined,
    admission: undefined,
    // Every field from the start: a slot keeps one shape through load and commit.
    saved: undefined,
  }
}

/** @internal The `Session` for `loaded` (`undefined`: a new one), with the store's `slot` on it. */
export function make(
  parts: StoreParts,
  loaded: Loaded | undefined,
  slot: Slot,
  clock: () => number,
  now: number,
): Session<SessionData> {
  const created = loaded?.created ?? Math.floor(now)
  const h: SessionHandle = {
    context: parts.context,
    loaded,
    now: clock,
    data: (loaded?.data ?? {}) as Record<string, unknown>,
    flash: loaded?.flash,
    state: loaded?.state ?? {},
    sid: loaded?.sid,
    created,
    touched: loaded?.touched ?? created,
    lifetime: loaded?.lifetime,
    destroyed: false,
    cut: false,
    renewed: false,
    closed: false,
    exposed: false,
    version: 0,
    slot,
  }
  return new Session(h)
}
