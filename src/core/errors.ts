/**
 * Every error this library throws is a {@link SealedSessionError} with a stable `code`.
 * They are thrown only for programmer mistakes (configuration, or writing data that cannot be
 * stored). Anything a client sends is never an exception: a bad cookie is "no session".
 *
 * Branch on `error.code`, never on the message.
 */
export class SealedSessionError extends Error {
  // Properties are declared rather than defined as class fields: each constructor assigns them
  // once, and a field would be defined as `undefined` first (code that every bundle carries).

  /** Stable machine-readable code, e.g. `ERR_SECRET_INVALID`. */
  declare readonly code: string

  constructor(code: string, message: string) {
    super(`sealed-session: ${message}`)
    this.code = code
    this.name = new.target.name
  }
}

/** Codes of {@link ConfigurationError}, one per kind of mistake. */
export type ConfigurationErrorCode =
  /** A secret is missing, shorter than 32 bytes, or copied from the documentation. */
  | 'ERR_SECRET_INVALID'
  /** A cookie name or attribute is unsafe or breaks a prefix rule (`__Host-`, `__Secure-`). */
  | 'ERR_COOKIE_OPTION'
  /** A lifetime, skew or other option is not a finite number in range, or of the wrong type. */
  | 'ERR_OPTION_INVALID'
  /** `globalThis.crypto.subtle` is missing (Node 18 without `--experimental-global-webcrypto`). */
  | 'ERR_NO_WEBCRYPTO'

/** Thrown at setup when options are unsafe or invalid. */
export class ConfigurationError extends SealedSessionError {
  declare readonly code: ConfigurationErrorCode
}

/**
 * Thrown when a sealed session does not fit in a cookie (name + value over 4096 bytes,
 * RFC 6265bis section 5.6), or, with the `chunks` option, in the most cookies it allows.
 * Nothing is written: the browser keeps its previous cookie.
 */
export class CookieTooLargeError extends SealedSessionError {
  declare readonly code: 'ERR_COOKIE_TOO_LARGE'
  /** Bytes of `name=value` that would have been written (summed over cookies when chunked). */
  declare readonly size: number
  /** The limit that was exceeded: 4096, or 4096 per allowed cookie when chunked. */
  declare readonly limit: number
  /** How many cookies the session would need when split across cookies. */
  declare readonly chunks: number
  /** How many cookies are allowed (the `chunks` option; 1 when chunking is off). */
  declare readonly maxChunks: number

  constructor(size: number, limit: number, chunks = 1, maxChunks = 1) {
    super(
      'ERR_COOKIE_TOO_LARGE',
      maxChunks === 1
        ? `session cookie would be ${size} bytes, over ${limit}; store less, or enable the \`chunks\` or \`compress\` option`
        : `session would need ${chunks} cookies (${size} bytes), over the cap of ${maxChunks} cookies; store less`,
    )
    this.size = size
    this.limit = limit
    this.chunks = chunks
    this.maxChunks = maxChunks
  }
}

/** Thrown on write when session data cannot be serialized faithfully (BigInt, cycles, Map, ...). */
export class SerializationError extends SealedSessionError {
  declare readonly code: 'ERR_SESSION_SERIALIZE'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SESSION_SERIALIZE', message)
    if (options && 'cause' in options) this.cause = options.cause
  }
}

/**
 * Thrown when a session is changed or saved after its response was committed: the `Set-Cookie`
 * headers have gone out, so the change could never reach the browser. Save before streaming a
 * body or handing work to `ctx.waitUntil`: `await session.save()` inside the handler.
 */
export class SessionCommittedError extends SealedSessionError {
  declare readonly code: 'ERR_SESSION_COMMITTED'

  constructor(action: string) {
    super(
      'ERR_SESSION_COMMITTED',
      `cannot ${action}: the response was committed (await session.save() before streaming)`,
    )
  }
}

/**
 * @internal
 * Refuses keys that are not options (`maxage`, `cookie.naem`): silently ignored, they would leave
 * a setting at its default. The message names the closest valid key.
 */
export function checkKeys(object: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue
    const closest = known.reduce((best, k) => (distance(key, k) < distance(key, best) ? k : best))
    throw configError(
      'ERR_OPTION_INVALID',
      `unknown option ${where}${key}${distance(key, closest) <= 3 ? `; did you mean ${where}${closest}?` : ''}`,
    )
  }
}

/** Edit distance, case-insensitive (`maxage` is one step from `maxAge`'s spelling, not two). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let row = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const next = [i]
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[y.length]!
}

/** @internal A value's kind for an error message: `null`, `an array`, `a Map`, `a string`... */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return `a ${typeof value}`
  if (Array.isArray(value)) return 'an array'
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name
  return `a ${name ?? 'object'}`
}

/**
 * @internal
 * A configured value as a message shows it: a string quoted, another primitive as itself (a
 * symbol too, which a template string throws on), an object or function by its kind (`String()`
 * throws for one without `toString`, `JSON.stringify` for a BigInt). Never throws, so a bad
 * option gets its ConfigurationError, not a TypeError.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  return typeof value === 'object' || typeof value === 'function' ? describe(value) : String(value)
}

/** @internal */
export function configError(code: ConfigurationErrorCode, message: string): ConfigurationError {
  return new ConfigurationError(code, message)
}
