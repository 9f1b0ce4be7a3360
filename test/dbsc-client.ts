// A DBSC browser made of WebCrypto (a P-256 key pair and the ES256 proofs it signs), and what the
// device-bound endpoint tests drive the gate with: its setup, and a session the endpoint opens.

import { commitOf } from '../src/core/commit.ts'
import { cookieSpec } from '../src/core/cookie.ts'
import { base64urlEncode } from '../src/core/encoding.ts'
import type { GateCookie, GateInstance, GateStore } from '../src/core/extensions.ts'
import { type DeviceBoundOptions, deviceBound } from '../src/features/device-bound/index.ts'
import { bytes, SECRET } from './helpers.ts'

const te = new TextEncoder()
const b64 = (text: string) => base64urlEncode(te.encode(text))

/** A device: a key pair that never leaves it, and the proofs it signs. */
export interface Device {
  readonly jwk: JsonWebKey
  /** A compact JWT; `header` and `payload` override or add members (`undefined` removes one). */
  proof(jti: string, options?: ProofOptions): Promise<string>
}

export interface ProofOptions {
  /** Include the public key in the header (registration). */
  readonly withKey?: boolean
  readonly header?: Record<string, unknown>
  readonly payload?: Record<string, unknown>
  /** Sign with this device's key instead (a signature by another key). */
  readonly signer?: CryptoKey
}

export async function device(): Promise<Device & { readonly privateKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const jwk = { kty, crv, x, y } as JsonWebKey
  return {
    jwk,
    privateKey: pair.privateKey,
    async proof(jti, options = {}) {
      const header = { alg: 'ES256', typ: 'dbsc+jwt', ...(options.withKey ? { jwk } : {}), ...options.header }
      const payload = { jti, ...options.payload }
      const signed = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        options.signer ?? pair.privateKey,
        te.encode(signed),
      )
      return `${signed}.${base64urlEncode(new Uint8Array(signature))}`
    },
  }
}

/** The attributes of the store's cookies (the defaults), as DBSC's instructions spell them. */
export const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax'
const SPEC = cookieSpec()

/** A gate set up as a store with cookie `session` and the test secret would set it up. */
export function gateFor(options: DeviceBoundOptions = {}) {
  const binding = deviceBound(options)
  const gate: GateInstance = binding.setup({
    cookieName: 'session',
    maxAgeMs: 14 * 86_400_000,
    idleMs: 14 * 86_400_000,
    skewMs: 60_000,
    secrets: [bytes(SECRET)],
    legacy: false,
  })
  return { binding, gate }
}

/** A session as a gate sees it. */
export function view(id: string, isNew = false) {
  return { id, createdAt: 0, isNew, get: () => undefined }
}

/**
 * The core's side of an endpoint at time `now`: `open` gives the session the request carries (or
 * none), and `reseal` records the state the endpoint sealed, answering with the commit of a
 * stand-in session cookie and the gate's own cookies.
 */
export function storeWith(session: ReturnType<typeof view> | undefined, entry?: unknown, now = Date.now()) {
  const sealed: unknown[] = []
  const store: GateStore = {
    async open() {
      if (!session) return undefined
      return {
        session,
        state: entry === undefined ? {} : { 'device-bound': entry },
        now,
        async reseal(state: unknown, cookies: readonly GateCookie[] = []) {
          sealed.push(state)
          const ours = { spec: SPEC, name: 'session', value: `resealed-${sealed.length}`, maxAge: 86_400 }
          return commitOf([ours, ...cookies.map((c) => ({ spec: SPEC, ...c }))], [], false)
        },
      }
    },
  }
  return { store, sealed }
}

/** A POST to `path` with DBSC's request headers. */
export function post(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`https://localhost${path}`, { method: 'POST', headers })
}

/** The `name=value` of the Set-Cookie for cookie `name` in `response`, if any. */
export function setCookieOf(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
}

/** The challenge a `Secure-Session-Registration` or `Secure-Session-Challenge` value carries. */
export function challengeIn(header: string | null | undefined): string {
  const match = /(?:challenge=)?"([A-Za-z0-9_.-]+)"/.exec(header ?? '')
  if (!match) throw new Error(`no challenge in ${header}`)
  return match[1]!
}

/** A login of session `id` marked by bind(), committed: the registration header and its challenge. */
export async function loginOf(gate: ReturnType<typeof gateFor>, id: string, now: number) {
  const session = view(id)
  gate.binding.bind(session)
  const extras = await gate.gate.committing!({
    session,
    destroyed: false,
    cut: false,
    state: {},
    request: undefined,
    now,
  })
  const header = extras?.headers?.find(([name]) => name === 'Secure-Session-Registration')?.[1]
  return { header, challenge: challengeIn(header) }
}

/**
 * `handler` as a browser with `jar` calls it: the jar's cookies go out, the response's come
 * back into it (a `Max-Age=0` one deletes).
 */
export function browserOf(handler: (request: Request) => Promise<Response>, jar: Map<string, string>) {
  return async function send(path: string, headers: Record<string, string> = {}, method = 'GET') {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const response = await handler(
      new Request(`https://localhost${path}`, {
        method,
        headers: { ...headers, ...(cookie ? { cookie } : {}) },
      }),
    )
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';') as [string]
      const at = pair.indexOf('=')
      if (/Max-Age=0(;|$)/.test(line)) jar.delete(pair.slice(0, at))
      else jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return { response, text: await response.clone().text() }
  }
}
