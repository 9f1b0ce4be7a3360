// Session data <-> text. The default is JSON, made strict: a value JSON would silently change or
// drop (BigInt, NaN, a Date, a Map, a function, a cycle) throws on write instead of coming back
// different on the next request.

import { describe, SerializationError } from './errors.ts'

/** A value the default (JSON) serializer stores and reads back unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }

/**
 * `T` when the default serializer stores it faithfully, with `never` at every property it would
 * not (a `Date`, a `Map`, a function, a `bigint`...), so `T extends Json<T>` fails to compile for
 * such data. Properties may be optional: JSON drops `undefined` in objects.
 */
export type Json<T> = unknown extends T
  ? T // `unknown` (or `any`): not known to be anything else, so not refused
  : T extends JsonValue | undefined
    ? T
    : T extends bigint | symbol | ((...args: never[]) => unknown)
      ? never
      : T extends readonly unknown[]
        ? { [I in keyof T]: Json<T[I]> }
        : { [K in keyof T]: K extends string ? Json<T[K]> : never }

/** Turns session data into text and back. `parse` may throw; a throw means "no session". */
export interface Serializer {
  /** The text for `value`, the session's data (or `[data, flash]` when it carries flash messages). */
  stringify(value: unknown): string
  /** The value `stringify` was given, back from its text. */
  parse(text: string): unknown
}

/** @internal An object JSON round-trips as itself: its prototype is `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** The error for `what` found at `key`: JSON would not bring it back as it was. */
function refuse(what: string, key: string | number, why = 'JSON cannot carry it'): SerializationError {
  const at = key === '' ? 'session data' : typeof key === 'number' ? `[${key}]` : `"${key}"`
  return new SerializationError(`cannot store ${what} at ${at}: ${why}`)
}

// One walk over the data in plain JS, then the native JSON.stringify with no replacer. A replacer
// function would be called from C++ for every value and takes the engine off its fast path. What
// is checked is exactly what JSON.stringify then visits: own enumerable string keys (see `plain`),
// array indexes up to length. Strings, booleans and ordinary numbers, most of any session, are
// passed inline, without a call.

/** A value JSON carries as itself with nothing to look into: a string, a boolean, a finite number but -0. */
function isLeaf(value: unknown): boolean {
  const type = typeof value
  return (
    type === 'string' ||
    type === 'boolean' ||
    (type === 'number' && Number.isFinite(value) && (value !== 0 || 1 / (value as number) > 0))
  )
}

// Cycles are looked for only below this depth: a cycle walks down to it and is then caught on its
// next turn, and no session nests this deep, so the common walk keeps no list of ancestors.
const SHALLOW = 32

/**
 * Throws for anything JSON.stringify would change or drop. Objects are walked with `for...in`
 * (the engine's enum cache makes it several times cheaper than `Object.keys`); `plain`: no
 * enumerable property was added to Object.prototype, so it visits exactly the own keys.
 */
function check(
  value: unknown,
  key: string | number,
  depth: number,
  ancestors: object[] | undefined,
  plain: boolean,
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined': // dropped from objects like a delete; arrays check their elements themselves
      return
    case 'number':
      if (!Number.isFinite(value)) throw refuse(String(value), key, 'JSON turns it into null')
      if (Object.is(value, -0)) throw refuse('-0', key, 'JSON turns it into 0')
      return
    case 'object':
      break
    default:
      throw refuse(`a ${typeof value}`, key)
  }
  if (value === null) return
  if (depth >= SHALLOW) {
    ancestors ??= []
    if (ancestors.includes(value)) throw refuse('a cycle', key)
  }
  const isArray = Array.isArray(value)
  if (!isArray && !isPlainObject(value))
    throw refuse(describe(value), key, 'store only plain objects and arrays')
  // JSON.stringify skips symbol keys: the property would silently vanish.
  const symbols = Object.getOwnPropertySymbols(value)
  if (symbols.length > 0 && symbols.some((sym) => Object.prototype.propertyIsEnumerable.call(value, sym)))
    throw refuse('a symbol-keyed property', key, 'JSON drops it')
  // JSON.stringify would store what toJSON returns instead of the value.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw refuse('a toJSON method', key)
  ancestors?.push(value)
  const below = depth + 1
  if (isArray) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (isLeaf(item)) continue
      if (item === undefined) throw refuse('undefined', i, 'JSON turns it into null')
      check(item, i, below, ancestors, plain)
    }
  } else {
    const record = value as Record<string, unknown>
    for (const k in record) {
      // Inherited keys only when Object.prototype was polluted: JSON.stringify skips them too.
      if (!plain && !Object.hasOwn(record, k)) continue
      const item = record[k]
      if (!isLeaf(item)) check(item, k, below, ancestors, plain)
    }
  }
  ancestors?.pop()
}

/** True while Object.prototype has no enumerable property (nobody polluted it). */
function prototypeIsClean(): boolean {
  for (const _ in {}) return false
  return true
}

/** @internal The default serializer: strict JSON. */
export const jsonSerializer: Serializer = {
  stringify(value) {
    try {
      check(value, '', 0, undefined, prototypeIsClean())
      return JSON.stringify(value)
    } catch (error) {
      if (error instanceof SerializationError) throw error
      // A throwing getter, or nesting too deep for the stack.
      throw new SerializationError(`cannot serialize session data: ${(error as Error).message}`, {
        cause: error,
      })
    }
  },
  parse: JSON.parse,
}
