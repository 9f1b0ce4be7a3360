// The one result convention of the read path (token, chunks, loading, legacy readers): a success
// with its fields, or a failure with a stable reason, as `onInvalid` hears it.

/**
 * @internal
 * The one result convention of the read path (token, chunks, loading): a success with its
 * fields, or a failure with a stable reason.
 */
export type Result<T extends object> = ({ readonly ok: true } & T) | Invalid

/** @internal */
export interface Invalid {
  readonly ok: false
  readonly reason: InvalidReason
}

/** Stable reasons a cookie value is not a valid session, as given to `onInvalid`. */
export type InvalidReason =
  /** Longer than any token this configuration can produce; rejected before decoding. */
  | 'oversize'
  /** Not a token of this format: bad structure or non-canonical base64url. */
  | 'malformed'
  /** A format version this library does not read. */
  | 'version'
  /** A token of the other mode (signed vs encrypted). */
  | 'mode'
  /** Sealed with a key that is no longer configured. */
  | 'unknown-key'
  /** Authentication failed: tampered, forged, or moved from another cookie name. */
  | 'tampered'
  /**
   * Authentic, but the content is unusable: bad times, not UTF-8, not a data object, or a
   * compressed body that is not raw DEFLATE or inflates past `MAX_INFLATED_BYTES`.
   */
  | 'payload'
  /** Past the absolute lifetime (`maxAge`). */
  | 'expired'
  /** Past the idle timeout (`idleTimeout`). */
  | 'idle'
  /** A session split across cookies whose chunk cookies are missing, duplicated or extra. */
  | 'chunks'
  /**
   * A `legacy` reader's cookie is not in that library's format (or is signed where it must be:
   * a cookie-session value without its `.sig` cookie).
   */
  | 'legacy-malformed'
  /**
   * A `legacy` reader's cookie failed that library's MAC with every configured key (tampered,
   * forged, or made with a key or password id no longer configured).
   */
  | 'legacy-tampered'
  /**
   * A `legacy` reader's cookie is past the expiry it carries (iron-session's seal), or the clock
   * gives no usable time (`now()` returned NaN or no number), which no old cookie opens under.
   */
  | 'legacy-expired'
  /** A `legacy` reader's cookie authenticated, but its data is not a JSON object. */
  | 'legacy-payload'
  /**
   * A session bound to a device (`sealed-session/device-bound`) came without a valid bound
   * cookie: copied to another machine, or its refresh failed. The request gets a new, empty
   * session.
   */
  | 'unbound'
  /**
   * Valid, but revoked (`sealed-session/revocation`): its id, or every session of its subject
   * issued before a moment. The request gets a new, empty session.
   */
  | 'revoked'
  /**
   * Valid, but the revocation store could not be asked in time (it failed, hung or was slow).
   * With `onUnavailable: 'refuse'` (the default) the request gets a new, empty session; with
   * `'allow'` it keeps the session unchecked. Either way nothing is written for it, so the browser
   * keeps its cookie and the session comes back once the store answers.
   */
  | 'unverified'

// One frozen object per reason: a failure allocates nothing.
const FAILURES = {} as Record<InvalidReason, Invalid>

/** @internal The failure for `reason`. */
export function fail(reason: InvalidReason): Invalid {
  let found = FAILURES[reason]
  if (found === undefined) {
    found = Object.freeze({ ok: false, reason })
    FAILURES[reason] = found
  }
  return found
}
