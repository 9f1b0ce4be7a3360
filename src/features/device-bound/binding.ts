// A session's binding as it is sealed inside the session cookie (the gate's entry of the
// extension state), and the short-lived bound cookie that proves it on each request.

import { readSessionCookies } from '../../core/cookie.ts'
import { base64urlEncode } from '../../core/encoding.ts'
import type { GateCookie } from '../../core/extensions.ts'
import { type PublicKey, publicKeyOf } from './jwt.ts'
import type { Tokens } from './tokens.ts'

/** @internal The gate's name: its key in the session's sealed extension state. */
export const NAME = 'device-bound'

/**
 * @internal
 * The sealed entry. Short keys: it rides in every session cookie of a bound session.
 * `k`: the device's public key. `b`: the binding id, the DBSC `session_identifier`, named by the
 * bound cookie; it survives `regenerate()` (the device is the same). `t`: when the newest refresh
 * challenge that was used was issued (0 before the first refresh): an older or equal one is
 * refused, so a proof replayed with the current session cookie never refreshes twice.
 */
export interface Binding {
  readonly k: PublicKey
  readonly b: string
  readonly t: number
}

/** @internal What the gate and its endpoints share, per store. */
export interface Context {
  readonly tokens: Tokens
  /** The bound cookie's name (written with the session cookie's attributes). */
  readonly cookie: string
  readonly registerPath: string
  readonly refreshPath: string
  readonly lifetimeMs: number
  readonly challengeMs: number
}

/** @internal A binding id: 12 random bytes, 16 base64url characters. */
export function newBindingId(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(12)))
}

/**
 * @internal
 * The binding a state entry holds: `undefined` when there is none (a session that never
 * registered), `null` for an entry that is not a binding this version can check (which must
 * then not pass as unbound).
 */
export function bindingOf(entry: unknown): Binding | undefined | null {
  if (entry === undefined) return undefined
  if (typeof entry !== 'object' || entry === null) return null
  const { k, b, t } = entry as Record<string, unknown>
  const key = publicKeyOf(k === undefined ? undefined : { kty: 'EC', crv: 'P-256', ...(k as object) })
  if (!key || typeof b !== 'string' || !Number.isSafeInteger(t)) return null
  return { k: key, b, t: t as number }
}

/** @internal The entry to seal: only the coordinates of the key (the rest is implied). */
export function entryOf(binding: Binding): Binding {
  return { k: { x: binding.k.x, y: binding.k.y }, b: binding.b, t: binding.t }
}

/** @internal Whether `header` carries a bound cookie for binding `id` that is authentic and unexpired at `now`. */
export async function hasBoundCookie(
  context: Context,
  header: string | null,
  id: string,
  now: number,
): Promise<boolean> {
  // A few candidates at most: stale copies under other paths can coexist with the current one.
  for (const value of readSessionCookies(header, context.cookie, 4).values) {
    const opened = await context.tokens.open('bound', value, now)
    if (opened?.subject === id) return true
  }
  return false
}

/** @internal A fresh bound cookie for binding `id`, valid `lifetime` from `now`. */
export async function boundCookie(context: Context, id: string, now: number): Promise<GateCookie> {
  const value = await context.tokens.seal('bound', id, context.lifetimeMs, now)
  return { name: context.cookie, value, maxAge: context.lifetimeMs / 1000 }
}

/**
 * @internal
 * A `Set-Cookie` value's attributes as DBSC's session instructions want them: what follows
 * `name=value`, without `Max-Age` or `Expires` (they do not take part in matching).
 */
export function attributesOf(setCookie: string): string {
  return setCookie
    .split(';')
    .slice(1)
    .map((part) => part.trim())
    .filter((part) => part && !/^(max-age|expires)=/i.test(part))
    .join('; ')
}
