// What one store is made of, built once from its validated configuration: the token codec, the
// keyring, its gates set up for it, and what its sessions and legacy readers share. Every step of
// the pipeline (load.ts, write.ts) takes these parts; no step keeps state of its own.

import type { GateInstance, ReaderContext } from './extensions.ts'
import { type Keyring, keyringOf } from './keys.ts'
import type { SessionConfig } from './options.ts'
import type { SessionContext } from './session-state.ts'
import { type TokenCodec, tokenCodec } from './token.ts'

/** @internal */
export interface StoreParts {
  readonly config: SessionConfig
  readonly codec: TokenCodec
  readonly keyring: () => Keyring | Promise<Keyring>
  /** The configured gates, set up for this store, in order. */
  readonly gates: readonly GateInstance[]
  /** What this store's sessions share; also how a session is known to be this store's. */
  readonly context: SessionContext
  readonly reader: ReaderContext
}

/** @internal `save` is the store's commit step, given by the store (it needs the parts). */
export function partsOf(config: SessionConfig, save: SessionContext['save']): StoreParts {
  const { cookie } = config
  const setup = {
    cookieName: cookie.name,
    maxAgeMs: config.maxAgeMs,
    idleMs: config.idleMs,
    skewMs: config.skewMs,
    secrets: config.secrets,
    legacy: config.legacy.length > 0,
  }
  return {
    config,
    codec: tokenCodec(cookie.name, config.mode, config.compress),
    keyring: keyringOf(config.secrets, config.mode),
    gates: config.gates.map((gate) => gate.setup(setup)),
    context: {
      serializer: config.serializer,
      maxAgeMs: config.maxAgeMs,
      idleMs: config.idleMs,
      sessionCookie: cookie.sessionCookie,
      save,
    },
    reader: {
      name: cookie.name,
      now: config.now,
      stringify: (value) => config.serializer.stringify(value),
    },
  }
}
