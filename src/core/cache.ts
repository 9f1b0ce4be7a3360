// The verified-token cache (opt-in): tokens this process sealed or already authenticated, so the
// same cookie coming back skips its decrypt (or HMAC verify).
//
// Why this is sound: what unsealing establishes (created, touched, session id, key, body text) is a
// pure function of the token string, the keys, the mode and the cookie name. An entry is found
// only by the exact `name=token` string, so any other byte is a miss, and only under the keyring
// object it was verified with: rotating or removing a key makes a new keyring, under which every
// old entry misses. Only successes are remembered. Everything that depends on the clock or on the
// configuration (lifetimes, clock skew, parsing into data) still runs on every hit, and each hit
// parses fresh objects, so nothing is shared between requests. Memory is capped by entries and by
// an estimate of bytes, least recently used out first; every string kept is a copy, so the cap
// bounds what is really retained (see `detach`). Why it is off by default: docs/token-cache.md.
//
// Nothing imports this file but the public entry, so an app that does not use it does not ship it.

import { encoder } from './encoding.ts'
import { configError, shown } from './errors.ts'
import type { Keyring, SessionKey } from './keys.ts'
import type { Lifetime } from './token.ts'

/** Limits of a {@link TokenCache}; the first one reached evicts the least recently used token. */
export interface TokenCacheOptions {
  /**
   * Most tokens remembered.
   * @default 1000
   */
  entries?: number
  /**
   * Most memory, in bytes, estimated from string lengths.
   * @default 2097152 (2 MiB)
   */
  bytes?: number
}

/** @internal What authenticating a token established. */
export interface Verified {
  readonly created: number
  readonly touched: number
  readonly sid: Uint8Array
  readonly lifetime: Lifetime | undefined
  readonly key: SessionKey
  /** The body as text, before parsing. */
  readonly text: string
}

interface Entry {
  /** The map key, detached from any request's memory (see `detach`). */
  readonly key: string
  readonly ring: Keyring
  readonly verified: Verified
  readonly size: number
}

// Not fatal, and keeping a leading U+FEFF: it copies whatever a well-formed string holds.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * A copy of `text` that shares no storage with it. Engines make slices and concatenations that
 * point into their source (V8's sliced and cons strings, JSC's substrings and ropes), so a token
 * cut from a Cookie header keeps the whole header alive. A round trip through UTF-8 builds a new
 * string on every engine. Lone surrogates become U+FFFD, as `seal()` encodes them anyway.
 */
function detach(text: string): string {
  return decoder.decode(encoder.encode(text))
}

// Per entry beyond its strings: the map slot, the entry objects, the 12-byte id.
const ENTRY_OVERHEAD = 160

/**
 * A bounded memory of verified session tokens, for the `tokenCache` option. Create one per
 * process (at module scope), not per request; one cache can serve several configurations.
 *
 * @example
 * ```ts
 * import { TokenCache, withSession } from 'sealed-session'
 *
 * const tokenCache = new TokenCache({ entries: 5000 })
 * export default { fetch: withSession(handler, (req, env) => ({ secret: env.SESSION_SECRET, tokenCache })) }
 * ```
 * @throws {ConfigurationError} `ERR_OPTION_INVALID` when a limit is not a positive integer.
 */
export class TokenCache {
  readonly #entries: number
  readonly #bytes: number
  readonly #map = new Map<string, Entry>()
  #used = 0
  /** Lookups that found a token. */
  hits = 0
  /** Lookups that did not find a token (including those under a rotated keyring). */
  misses = 0

  constructor(options: TokenCacheOptions = {}) {
    const { entries = 1000, bytes = 2 * 1024 * 1024 } = options
    for (const [name, value] of [
      ['entries', entries],
      ['bytes', bytes],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw configError(
          'ERR_OPTION_INVALID',
          `TokenCache ${name} must be a positive integer; got ${shown(value)}`,
        )
      }
    }
    this.#entries = entries
    this.#bytes = bytes
  }

  /** Tokens held (`entries`), and their estimated memory (`bytes`). */
  get size(): {
    /** Tokens held. */
    entries: number
    /** Their estimated memory, in bytes. */
    bytes: number
  } {
    return { entries: this.#map.size, bytes: this.#used }
  }

  /** @internal What `token` under cookie `name` was verified to hold with `ring`, with its own id copy. */
  get(ring: Keyring, name: string, token: string): Verified | undefined {
    const entry = this.#map.get(`${name}=${token}`)
    if (entry === undefined || entry.ring !== ring) {
      this.misses++
      return undefined
    }
    this.hits++
    // Most recently used goes last; eviction takes from the front. Under the stored key: the one
    // just built may point into this request's Cookie header.
    this.#map.delete(entry.key)
    this.#map.set(entry.key, entry)
    return { ...entry.verified, sid: entry.verified.sid.slice() }
  }

  /** @internal */
  set(ring: Keyring, name: string, token: string, verified: Verified): void {
    // Strings counted at two bytes a character, the worst case for the engine's representation.
    const size = 2 * (name.length + 1 + token.length + verified.text.length) + ENTRY_OVERHEAD
    if (size > this.#bytes) return
    const key = detach(`${name}=${token}`)
    this.#delete(key)
    const map = this.#map
    while (map.size >= this.#entries || this.#used + size > this.#bytes) {
      this.#delete(map.keys().next().value as string)
    }
    // The text too: a custom serializer may return a string that points into request memory.
    const copy = { ...verified, sid: verified.sid.slice(), text: detach(verified.text) }
    map.set(key, { key, ring, verified: copy, size })
    this.#used += size
  }

  #delete(key: string): void {
    const entry = this.#map.get(key)
    if (entry === undefined) return
    this.#map.delete(key)
    this.#used -= entry.size
  }
}
