// The reference model of one session within one request: what the app's ops do to the data, the
// flash messages, the lifetime and the session's creation time, by the documented rules (a write
// after destroy() starts a new session; reading a flash message is not a write and never undoes
// destroy()). The store's write decisions are judged from it (reference.ts).

import type { Op } from './world.ts'

export type Data = Record<string, unknown>
export type Flash = Record<string, unknown> | undefined
export interface Lifetime {
  readonly persistent: boolean
  readonly maxAge: number
  readonly idleTimeout: number
}

/** A session as a request loads it, before the app touches it. */
export interface Start {
  /** What the request carried and opened; `undefined` for a new session. */
  readonly loaded: { readonly data: Data; readonly flash: Flash; readonly text: string } | undefined
  readonly created: number
  readonly lifetime: Lifetime | undefined
  /** The binding id its sealed state carries (device binding), if any. */
  readonly binding: string | undefined
  /** It descends from the old library's cookie (its sealed state names that cookie). */
  readonly lineage: boolean
}

/** The text a session's data and flash messages are sealed as (the default JSON serializer). */
export function textOf(data: Data, flash: Flash): string {
  return JSON.stringify(flash === undefined ? data : [data, flash])
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

export class Draft {
  data: Data
  flash: Flash
  created: number
  lifetime: Lifetime | undefined
  /** The binding the session carries: regenerate() keeps it, destroy() ends it. */
  binding: string | undefined
  /** Descends from the old library's cookie: regenerate() keeps that, destroy() ends it. */
  lineage: boolean
  /** bind() was called on the session in this request. */
  bindCalled = false
  /** destroy() was the last write. */
  destroyed = false
  destroyCalled = false
  /** A write came after destroy(): a new session. */
  wroteAfterDestroy = false
  /** flash(key) was read while destroyed. */
  readAfterDestroy = false
  /** A new id or lifetime: worth a write even when the data is the same. */
  renewed = false
  /** Anything but reads happened: no longer a read-only request. */
  mutated = false
  /** regenerate(), or a write after destroy(): the session id is a new one. */
  idChanged = false
  /** The app revoked this very session in this request (and did not destroy it since). */
  revokedHere = false
  readonly #loadedText: string | undefined
  readonly #now: number

  constructor(start: Start, now: number) {
    this.data = clone(start.loaded?.data ?? {})
    this.flash = clone(start.loaded?.flash)
    this.created = start.created
    this.lifetime = start.lifetime
    this.binding = start.binding
    this.lineage = start.lineage
    this.#loadedText = start.loaded?.text
    this.#now = now
  }

  /** Applies `op`; returns what `flash(key)` should have returned. */
  apply(op: Op): unknown {
    switch (op.kind) {
      case 'set':
        this.#write()
        this.data[op.key] = op.value
        return undefined
      case 'flash':
        this.#write()
        this.flash = { ...this.flash, [op.key]: op.value }
        return undefined
      case 'readFlash':
        return this.#read(op.key)
      case 'destroy':
        this.revokedHere = false
        this.mutated = true
        this.destroyed = true
        this.destroyCalled = true
        this.data = {}
        this.flash = undefined
        this.lifetime = undefined
        this.binding = undefined
        this.lineage = false
        return undefined
      case 'bind':
        this.bindCalled = true
        return undefined
      case 'regenerate':
        this.#write()
        this.#regenerate()
        return undefined
      case 'setLifetime':
        this.#write()
        this.lifetime = { ...op.lifetime }
        this.renewed = true
        return undefined
      case 'revoke':
        this.revokedHere = true
        return undefined
    }
  }

  /** The data or flash messages differ from what the request carried (a new one: holds any). */
  textChanged(): boolean {
    if (this.#loadedText === undefined) return Object.keys(this.data).length > 0 || this.flash !== undefined
    return textOf(this.data, this.flash) !== this.#loadedText
  }

  #read(key: string): unknown {
    if (this.destroyed) {
      this.readAfterDestroy = true
      return undefined
    }
    if (this.flash === undefined || !Object.hasOwn(this.flash, key)) return undefined
    const { [key]: found, ...rest } = this.flash
    this.flash = Object.keys(rest).length > 0 ? rest : undefined
    this.mutated = true
    return found
  }

  #write(): void {
    this.mutated = true
    if (!this.destroyed) return
    this.destroyed = false
    this.wroteAfterDestroy = true
    this.#regenerate()
  }

  #regenerate(): void {
    this.created = this.#now
    this.renewed = true
    this.idChanged = true
  }
}
