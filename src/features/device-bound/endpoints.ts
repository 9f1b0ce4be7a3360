// The registration and refresh endpoints (W3C DBSC draft, "Send session request" and "Create
// session"). Anything a client sends that is not a valid step gets a 4xx with an empty body and
// no cookie: never a 500, never a session. Status codes follow what the browser does with them
// (DBSC draft, "Send session request"): 403 with a `Secure-Session-Challenge` makes it sign again;
// any other 4xx ends its session; a 5xx does not, so a gate that could not decide (a revocation
// store unreachable) gets a 503, and the browser tries again later instead of dropping its key.

import { applyCommit, type SessionCommit } from '../../core/commit.ts'
import { CookieTooLargeError } from '../../core/errors.ts'
import type { GateSession, GateStore } from '../../core/extensions.ts'
import {
  attributesOf,
  type Binding,
  bindingOf,
  boundCookie,
  type Context,
  entryOf,
  NAME,
  newBindingId,
} from './binding.ts'
import { challengeHeader, readString } from './headers.ts'
import { type Proof, parseProof, verifyProof } from './jwt.ts'

/** @internal `POST registerPath`: a login's challenge signed with a new key, which the session then carries. */
export async function register(request: Request, store: GateStore, context: Context): Promise<Response> {
  if (hasBody(request)) return refuse(413)
  const proof = readProof(request)
  if (typeof proof === 'number') return refuse(proof)
  // At registration the key comes with the proof; `authorization` is never asked for.
  if (!proof.jwk || proof.authorization !== undefined) return refuse(400)
  const found = await store.open(request)
  if (found === 'unverified') return unavailable()
  if (!found || found.session.isNew) return refuse(401)
  const challenge = await context.tokens.open('register', proof.jti, found.now)
  if (!challenge) return refuse(403)
  if (!(await verifyProof(proof, proof.jwk))) return refuse(400)
  // Sealed to the session it was issued to: a copy of the cookie alone cannot register a key, and
  // a challenge from one login does not bind another session.
  if (found.session.id !== challenge.subject) return refuse(403)
  // Never a second key: a stolen cookie must not re-bind a session to another machine.
  if (found.state[NAME] !== undefined) return refuse(409)
  const binding: Binding = { k: proof.jwk, b: newBindingId(), t: 0 }
  try {
    return await renew(found, binding, context)
  } catch (error) {
    // The session is too big to carry a key: it carries on unbound, as in a browser without DBSC.
    if (error instanceof CookieTooLargeError) return refuse(413)
    throw error
  }
}

/**
 * @internal
 * `POST refreshPath`: without a proof, a 403 with a fresh challenge; with a proof of that
 * challenge signed by the session's key, a new bound cookie.
 */
export async function refresh(request: Request, store: GateStore, context: Context): Promise<Response> {
  if (hasBody(request)) return refuse(413)
  const id = readString(request.headers.get('sec-secure-session-id'))
  if (id === undefined) return refuse(400)
  const found = await store.open(request)
  if (found === 'unverified') return unavailable()
  const binding = found && !found.session.isNew ? bindingOf(found.state[NAME]) : undefined
  // Logged out, expired, revoked, never bound, or bound by another login: the browser's DBSC
  // session for it ends here (any 4xx but 403).
  if (!found || !binding || binding.b !== id) return refuse(401)
  if (!request.headers.has('secure-session-response')) return challenge(context, binding, found.now)
  const proof = readProof(request)
  if (typeof proof === 'number') return refuse(proof)
  // At refresh the key is the sealed one: a proof bringing its own is not a refresh.
  if (proof.jwk || proof.authorization !== undefined) return refuse(400)
  const opened = await context.tokens.open('refresh', proof.jti, found.now)
  // Expired, for another session, or already used: sign a fresh one (a browser can resend an
  // old proof when an earlier answer had no body).
  if (!opened || opened.subject !== id || opened.issuedAt <= binding.t) {
    return challenge(context, binding, found.now)
  }
  if (!(await verifyProof(proof, binding.k))) return refuse(400)
  return renew(found, { ...binding, t: opened.issuedAt }, context)
}

/**
 * The session re-sealed with `binding`, a new bound cookie, and the session instructions; or,
 * when a gate held the re-seal back, the same refusal as at the session's load: revoked (or
 * otherwise refused) since, a 401 that ends the browser's DBSC session; undecided, a 503.
 */
async function renew(found: GateSession, binding: Binding, context: Context): Promise<Response> {
  const commit = await found.reseal(entryOf(binding), [await boundCookie(context, binding.b, found.now)])
  if (typeof commit === 'string')
    return commit === 'unverified' || commit === 'unchecked' ? unavailable() : refuse(401)
  return instructions(context, binding.b, commit)
}

/**
 * A 403 asking for a proof of a fresh challenge. Issued after the last one used, even on a clock
 * that stands still (Workers freeze it within a request), so it is never refused as a replay.
 */
async function challenge(context: Context, binding: Binding, now: number): Promise<Response> {
  const token = await context.tokens.seal('refresh', binding.b, context.challengeMs, now, binding.t)
  return refuse(403, [['Secure-Session-Challenge', challengeHeader(token, binding.b)]])
}

/**
 * The JSON session instructions, with the commit that goes with them. The bound cookie's
 * attributes are read off its own `Set-Cookie`, so they match what the browser stores.
 */
function instructions(context: Context, id: string, commit: SessionCommit): Response {
  const line = commit.setCookie.find((c) => c.startsWith(`${context.cookie}=`)) ?? ''
  const body = JSON.stringify({
    session_identifier: id,
    refresh_url: context.refreshPath,
    // No `origin`: the browser takes the endpoint's own, which stays right behind a proxy that
    // terminates TLS (the request's URL there says http).
    scope: { include_site: false, scope_specification: [] },
    credentials: [{ type: 'cookie', name: context.cookie, attributes: attributesOf(line) }],
  })
  const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
  applyCommit(headers, commit)
  return new Response(body, { status: 200, headers })
}

/** The request's proof, or the status that refuses it. */
function readProof(request: Request): Proof | number {
  const jwt = readString(request.headers.get('secure-session-response'))
  if (jwt === undefined) return 400
  const proof = parseProof(jwt)
  return typeof proof === 'string' ? 400 : proof
}

/**
 * The browser's requests have an empty body; the body is never read, and one that announces
 * any length, or comes in chunks of unannounced length, is refused unread.
 */
function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length')
  return (length !== null && length.trim() !== '0') || request.headers.has('transfer-encoding')
}

/** The session could not be checked now: the browser keeps its DBSC session and retries later. */
function unavailable(): Response {
  return refuse(503, [['Retry-After', '30']])
}

function refuse(status: number, headers: readonly (readonly [string, string])[] = []): Response {
  const out = new Headers({ 'Cache-Control': 'no-store' })
  for (const [name, value] of headers) out.append(name, value)
  return new Response(null, { status, headers: out })
}
