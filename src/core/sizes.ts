// Fixed sizes of the token format (docs/FORMAT.md) and of cookies. They live in a module that
// imports nothing so that a bundler writes each value where it is used: a module with imports
// keeps its constants as variables, since an import cycle could read them before they are set.

/** @internal The token format version written (v1 is still read). */
export const VERSION = '2'
/** @internal Mode letter, version and key id: `e2KKKK`. */
export const HEADER_LENGTH = 6
/** @internal v1's metadata, and the start of v2's: created, touched, session id. */
export const V1_META_BYTES = 24
/** @internal v2's metadata without, and with, the session's own lifetimes. */
export const META_BYTES = 25
/** @internal */
export const META_LIFETIME_BYTES = 33
/** @internal */
export const SESSION_ID_BYTES = 12
/** @internal v2 flag: the session chose its own lifetime. */
export const LIFETIME = 1
/** @internal v2 flag: that lifetime is a browser-session cookie's. */
export const BROWSER = 2
/** @internal */
export const IV_BYTES = 12
/** @internal */
export const TAG_BYTES = 16
/** @internal Times are uint48 milliseconds. */
export const MAX_UINT48 = 2 ** 48
/**
 * @internal
 * The most a compressed body may inflate to. Bodies larger than this are never compressed, so
 * every token this library writes can be read back; anything inflating further is refused.
 */
export const MAX_INFLATED_BYTES: number = 64 * 1024

/** @internal RFC 6265bis section 5.6: browsers drop a cookie whose name + value exceeds 4096 bytes. */
export const MAX_COOKIE_BYTES = 4096
/** @internal RFC 6265bis section 5.6.1 (and 4.1.2.2): Max-Age and Expires are capped at 400 days. */
export const MAX_AGE_CAP_SECONDS: number = 400 * 24 * 60 * 60
/** @internal Highest chunk cookie index: chunk cookies are `name.1` to `name.9`, one digit. */
export const MAX_CHUNK_INDEX = 9
