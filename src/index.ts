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
export type { SessionOptions } from './options.ts'
export type { Serializer } from './serializer.ts'
export { Session, type SessionData } from './session.ts'
export type { InvalidReason } from './token.ts'
export { type OptionsInput, type SessionHandler, withSession } from './with-session.ts'
