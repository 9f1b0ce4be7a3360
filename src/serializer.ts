// Session data <-> text. The default is JSON, made strict: a value JSON would silently change or
// drop (BigInt, NaN, a Date, a Map, a function, a cycle) throws on write instead of coming back
// different on the next request.

import { SerializationError } from './errors.ts'

/** Turns session data into text and back. `parse` may throw; a throw means "no session". */
export interface Serializer {
  stringify(value: unknown): string
  parse(text: string): unknown
}

function describe(value: object): string {
  return (
    (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ??
    'object'
  )
}

// `this[key]` is the value before `toJSON` ran, so a Date is seen as a Date, not its string.
function strict(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  const at = key === '' ? 'session data' : `"${key}"`
  switch (typeof raw) {
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new SerializationError(`cannot store a ${typeof raw} at ${at}: JSON cannot carry it`)
    case 'number':
      if (!Number.isFinite(raw))
        throw new SerializationError(`cannot store ${raw} at ${at}: JSON turns it into null`)
      break
    case 'undefined':
      if (Array.isArray(this))
        throw new SerializationError(`cannot store undefined in an array: JSON turns it into null`)
      break
    case 'object':
      if (raw !== null && !Array.isArray(raw)) {
        const proto = Object.getPrototypeOf(raw)
        if (proto !== Object.prototype && proto !== null) {
          throw new SerializationError(
            `cannot store a ${describe(raw)} at ${at}: JSON would not bring it back; store plain objects, arrays, strings, finite numbers, booleans and null`,
          )
        }
      }
  }
  return value
}

/** The default serializer: strict JSON. */
export const jsonSerializer: Serializer = {
  stringify(value) {
    try {
      return JSON.stringify(value, strict)
    } catch (error) {
      if (error instanceof SerializationError) throw error
      // A cycle, or a throwing getter/toJSON.
      throw new SerializationError(`cannot serialize session data: ${(error as Error).message}`, {
        cause: error,
      })
    }
  },
  parse: JSON.parse,
}
