/**
 * Encrypted cookie sessions for any Fetch-API server: `withSession` for a whole handler,
 * `createSessionStore` for any framework, `seal`/`unseal` for one-off tokens. Framework adapters
 * live in subpaths (`sealed-session/hono`).
 *
 * @module sealed-session
 */
export { TokenCache, type TokenCacheOptions } from './core/cache.ts'
export { applyCommit, type CommitCookie, type SessionCommit } from './core/commit.ts'
export type { CookieAttributes, CookieOptions, Priority, SameSite } from './core/cookie.ts'
export {
  ConfigurationError,
  type ConfigurationErrorCode,
  CookieTooLargeError,
  SealedSessionError,
  SerializationError,
  SessionCommittedError,
} from './core/errors.ts'
export {
  type Chunking,
  type Compression,
  EXTENSION,
  type Gate,
  type LegacyReader,
} from './core/extensions.ts'
export type { Mode, Secret } from './core/keys.ts'
export type { SessionOptions } from './core/options.ts'
export type { CookieSource } from './core/read.ts'
export { createSessionStore, type OptionsInput } from './core/resolver.ts'
export type { InvalidReason } from './core/result.ts'
export type { Json, JsonValue, Serializer } from './core/serializer.ts'
export type { FlashData, LifetimeOptions, Session, SessionData } from './core/session.ts'
export type { SessionHandler, SessionStore } from './core/store.ts'
export { withSession } from './core/with-session.ts'
export type { LegacyCookieOptions } from './features/legacy/reader.ts'
export {
  createSealer,
  type Sealer,
  type SealOptions,
  seal,
  type Unsealed,
  type UnsealReason,
  unseal,
} from './features/seal.ts'
