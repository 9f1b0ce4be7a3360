/**
 * Encrypted cookie sessions for any Fetch-API server: `withSession` for a whole handler,
 * `createSessionStore` for any framework, `seal`/`unseal` for one-off tokens. Framework adapters
 * live in subpaths (`sealed-session/hono`).
 *
 * @module sealed-session
 */
export { TokenCache, type TokenCacheOptions } from './cache.ts'
export type { CookieOptions, Priority, SameSite } from './cookie.ts'
export {
  ConfigurationError,
  type ConfigurationErrorCode,
  CookieTooLargeError,
  SealedSessionError,
  SerializationError,
  SessionCommittedError,
} from './errors.ts'
export type { Mode, Secret } from './keys.ts'
export type { LegacyCookieOptions, LegacyReader } from './legacy/reader.ts'
export type { SessionOptions } from './options.ts'
export {
  createSealer,
  type Sealer,
  type SealOptions,
  seal,
  type Unsealed,
  type UnsealReason,
  unseal,
} from './seal.ts'
export type { Json, JsonValue, Serializer } from './serializer.ts'
export type { FlashData, LifetimeOptions, Session, SessionData } from './session.ts'
export {
  type CookieSource,
  createSessionStore,
  type OptionsInput,
  type SessionHandler,
  type SessionStore,
} from './store.ts'
export type { InvalidReason } from './token.ts'
export { withSession } from './with-session.ts'
