// What the SECURITY-CASES files share: the modes, the base64url alphabet, and tokens issued end
// to end by a writer app (see test/attacker.ts for how each outcome is asserted).

import type { Mode, SessionOptions } from 'sealed-session'
import { getKeyring, normalizeSecrets } from '../../src/core/keys.ts'
import { cookieValue, SECRET, send, T0, wrap } from '../helpers.ts'

export const MODES = ['encrypted', 'signed'] as const
export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
export const SECOND = 1000
export const HOUR = 3600 * SECOND
export const DAY = 24 * HOUR

export type SessionData = Record<string, unknown>

/** The `name=value` pairs a writer app with `options` sets for a new session holding `data`. */
export async function issue(options: Partial<SessionOptions> = {}, data: SessionData = { user: 'ada' }) {
  const app = wrap(
    (_r, s) => {
      s.replace(data)
      return new Response(null)
    },
    { now: () => T0, ...options },
  )
  const { setCookies } = await send(app)
  return setCookies.map((c) => c.split(';')[0]!)
}

/** A single-cookie token of `mode` for cookie `name`, sealed at T0. */
export async function token(
  mode: Mode = 'encrypted',
  options: Partial<SessionOptions> = {},
  data?: SessionData,
) {
  const [pair] = await issue({ mode, ...options }, data)
  return cookieValue(pair!)
}

/** The segments after the header, with where each starts in the token. */
export function segments(tok: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = []
  let at = 7
  for (const text of tok.slice(7).split('.')) {
    out.push({ text, at })
    at += text.length + 1
  }
  return out
}

/** Characters a `Cookie` header can carry at all: Fetch refuses NUL, CR and LF in header values. */
export function sendable(c: string): boolean {
  return !/[\0\r\n]/.test(c) && c.charCodeAt(0) < 256
}

export async function keyId(mode: Mode, secret = SECRET): Promise<string> {
  return (await getKeyring(normalizeSecrets(secret), mode)).current.id
}
