// What the side-by-side benchmark (`npm run bench -- --against <ref>`) needs from one build of the
// library, whatever its layout and API: a layout adapter (core.ts, flat.ts) fills it in from the
// build's own sources. Types only: nothing here is bundled.

import type { MiddlewareHandler } from 'hono'

export type Data = Record<string, unknown>
export type Mode = 'encrypted' | 'signed'

/** One store, reduced to what a round trip does: `load` a Cookie header, `commit` Set-Cookie lines. */
export interface StoreLike {
  load(cookie: string | null): Promise<SessionLike>
  /** The Set-Cookie lines, whatever shape this build's `commit()` returns them in. */
  commit(session: SessionLike): Promise<string[]>
}

export interface SessionLike {
  readonly isNew: boolean
  readonly data: unknown
  replace(data: Data): void
}

/** The cookie value alone, as the build's store seals and opens it (see bench/codecs.ts `oursToken`). */
export interface TokenLike {
  /** The serializer, the token seal of a new session (its id drawn as the build draws it). */
  seal(data: Data): Promise<string>
  /** The store's read step: unseal, UTF-8, lifetimes, parse. Throws when it does not open. */
  open(token: string): Promise<unknown>
  /** The token seal alone, of an already serialized body. */
  sealBody(body: string): Promise<string>
  /** The token open alone (base64url, decrypt, metadata). */
  openToken(token: string): Promise<unknown>
  /** The strict serializer alone. */
  stringify(data: Data): string
  /** The UTF-8 decode with validity check the read step runs. */
  utf8(bytes: Uint8Array): string | undefined
  /** The body bytes of a token, as the codec hands them to the read step. */
  bodyOf(token: string): Promise<Uint8Array>
}

export interface BuildApi {
  /** Which layout adapter this is ('core' after the redesign, 'flat' before it). */
  readonly layout: string
  store(mode: Mode, name: string, secret: string): StoreLike
  token(mode: Mode, name: string, secret: string): Promise<TokenLike>
  /** This build's Hono middleware (sealed-session/hono), static options or an options function. */
  hono(options: object | (() => object)): MiddlewareHandler
  /** This build's TokenCache, for the `tokenCache` option. */
  tokenCache(): object
}
