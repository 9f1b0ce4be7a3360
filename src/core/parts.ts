// What one store is made of, built once from its validated configuration: the token codec, the
// keyring, its gates set up for it, and what its sessions and legacy readers share. Every step of
// the pipeline (load.ts, write.ts) takes these parts; no step keeps state of its own.

import type { CookieSpec } from './cookie.ts'
import type {
  Admission,
  CommitExtras,
  GateInstance,
  SessionView,
  STEP_VERSION,
  Verdict,
} from './extensions.ts'
import { type Keyring, keyringOf } from './keys.ts'
import type { LegacyOpened } from './legacy.ts'
import type { Found, make, openSession } from './load.ts'
import type { SessionConfig } from './options.ts'
import type { InvalidReason } from './result.ts'
import type { Session } from './session.ts'
import type { Loaded, SessionContext, SessionData, SessionHandle } from './session-state.ts'
import { type TokenCodec, tokenCodec } from './token.ts'
import type { commitSession, Slot } from './write.ts'

/** @internal */
export interface StoreParts {
  readonly config: SessionConfig
  readonly codec: TokenCodec
  readonly keyring: () => Keyring | Promise<Keyring>
  /** The configured gates, set up for this store, in order. */
  readonly gates: readonly GateInstance[]
  /** The gate step (gates.ts), brought by the gates; `undefined` without any. */
  readonly runner: GateRunner | undefined
  /** What this store's sessions share; also how a session is known to be this store's. */
  readonly context: SessionContext
  /** The legacy step (legacy.ts), brought by the legacy readers; `undefined` without any. */
  readonly legacy: LegacyRunner | undefined
  /** The core's own steps, for the gate step to call back into. */
  readonly core: CoreSteps
}

/**
 * @internal
 * The core's steps a gate step calls. Passed to it rather than imported by it: a gate made by
 * another install of this library (two copies in one app) runs its step on this core's sessions,
 * so it must use this core's functions, never its own copy's.
 */
export interface CoreSteps {
  readonly handleOf: (session: Session<SessionData>) => SessionHandle
  readonly make: typeof make
  readonly openSession: typeof openSession
  readonly commitSession: typeof commitSession
}

/** @internal Built by the store, which gives the core's steps (`save` is its commit). */
export function partsOf(config: SessionConfig, core: CoreSteps): StoreParts {
  const { cookie } = config
  const setup = {
    cookieName: cookie.name,
    maxAgeMs: config.maxAgeMs,
    idleMs: config.idleMs,
    skewMs: config.skewMs,
    secrets: config.secrets,
    legacy: config.legacy.length > 0,
  }
  const parts: StoreParts = {
    config,
    codec: tokenCodec(cookie.name, config.mode, config.compress),
    keyring: keyringOf(config.secrets, config.mode),
    gates: config.gates.map((gate) => gate.setup(setup)),
    runner: config.gates[0]?.runner as GateRunner | undefined,
    context: {
      serializer: config.serializer,
      maxAgeMs: config.maxAgeMs,
      idleMs: config.idleMs,
      sessionCookie: cookie.sessionCookie,
      save: async (session) => void (await core.commitSession(parts, session as Session<SessionData>)),
    },
    legacy: config.legacy[0]?.runner as LegacyRunner | undefined,
    core,
  }
  return parts
}

/**
 * @internal
 * The pipeline's gate step, implemented in gates.ts and reached only through the gates (each
 * carries it), so that the core never imports it and an app without gates ships none of it.
 */
export interface GateRunner {
  /** {@link STEP_VERSION} when it was made. */
  readonly version: number
  /**
   * At load: runs `gates`, in order, on a session that opened; the first that does not admit it
   * decides what the app gets.
   */
  admit(
    parts: StoreParts,
    gates: readonly GateInstance[],
    session: Session<SessionData>,
    loaded: Loaded,
    slot: Slot,
    clock: () => number,
    now: number,
    reason: Found['reason'],
  ): Promise<Found>
  /**
   * At commit: each gate sees the session about to be committed (a destroyed one too) and may
   * change its own state entry; what it adds goes into `extras`.
   */
  committing(
    parts: Pick<StoreParts, 'gates'>,
    session: SessionView,
    h: SessionHandle,
    request: Request | undefined,
    extras: CommitExtras[],
  ): Promise<void>
  /** Before a loaded session is sealed again: what the first gate holding it back said, if any. */
  holds(
    parts: Pick<StoreParts, 'gates'>,
    h: SessionHandle,
    admission: Admission,
    now: number,
  ): Promise<Verdict>
  /** The store's gate endpoints, if any gate has some. */
  router(
    parts: StoreParts,
  ): ((request: Request, now: () => number) => Promise<Response | undefined>) | undefined
}

/**
 * @internal
 * The pipeline's legacy step, implemented in legacy.ts and reached only through the legacy
 * readers (each carries it), like {@link GateRunner}.
 */
export interface LegacyRunner {
  /** {@link STEP_VERSION} when it was made. */
  readonly version: number
  /**
   * At load, when none of our cookies opened: the first old library's session in `header`, or
   * the most telling reason none opened (`reason`: what our own cookie gave, if anything).
   */
  read(
    parts: StoreParts,
    header: string | null,
    request: Request | undefined,
    now: () => number,
    reason: InvalidReason | undefined,
  ): Promise<LegacyOpened | { reason: InvalidReason | undefined }>
  /**
   * On logout: every cookie of every legacy reader the request carried, read or not, so that
   * none of them can bring the session back.
   */
  forget(
    parts: Pick<StoreParts, 'config'>,
    header: string | null,
    request: Request | undefined,
  ): readonly CookieSpec[]
}
