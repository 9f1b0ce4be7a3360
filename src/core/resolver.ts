// Options in, a store out: `createSessionStore` for static options, and the resolver that
// `withSession` and the adapters use for options given as a function of the request (a tenant's
// secret, Workers' `env`).
//
// A function returns a new object per request. Its stores are cached on what the options resolve
// to, read by name (so getters, prototypes, proxies and frozen objects all count by their values),
// never on how the object was written. The hooks `now` and `onInvalid` are taken from each call
// and not cached on, so an inline closure does not make a store per request.

import { COOKIE_KEYS } from './cookie.ts'
import { checkKeys, configError } from './errors.ts'
import { EXTENSION } from './extensions.ts'
import { equalBytes } from './keys.ts'
import type { Hooks } from './load.ts'
import { hooksOf, OPTION_KEYS, resolveOptions, type SessionOptions } from './options.ts'
import type { Json, JsonValue } from './serializer.ts'
import type { FlashData, SessionData } from './session.ts'
import { type SessionStore, type StoreCore, storeOf } from './store.ts'

/** Options as given to `withSession` and the adapters: an object, or a function returning one. */
export type OptionsInput<Args extends unknown[]> = SessionOptions | ((...args: Args) => SessionOptions)

/**
 * With the default serializer, session data must be JSON: for any other `Data` this asks for a
 * property no options object has, so the call does not compile, and the message says why.
 */
type JsonOnly<Data> = [Data] extends [Json<Data>]
  ? unknown
  : {
      'session data must be JSON with the default serializer (no Date, Map, functions...); pass a serializer of your own for other types': never
    }

/**
 * Creates a session store: load a `Session` from a request, change it, commit it. Any framework
 * with access to the `Cookie` header and a way to add `Set-Cookie` headers can use it with a few
 * lines of glue. Options are validated now.
 *
 * With the default serializer, `Data` must be JSON (`Date`, `Map`, functions... do not compile);
 * with a `serializer` of your own, any object type.
 *
 * @example React Router loader and action
 * ```ts
 * import { applyCommit, createSessionStore } from 'sealed-session'
 *
 * const store = createSessionStore<{ user?: string }>({ secret: process.env.SESSION_SECRET! })
 *
 * export async function loader({ request }: LoaderFunctionArgs) {
 *   const session = await store.load(request)
 *   return { user: session.get('user') }
 * }
 *
 * export async function action({ request }: ActionFunctionArgs) {
 *   const session = await store.load(request)
 *   session.regenerate()
 *   session.set('user', 'ada')
 *   const headers = new Headers()
 *   applyCommit(headers, await store.commit(session))
 *   return redirect('/', { headers })
 * }
 * ```
 *
 * For Next.js, SvelteKit, Astro, h3, Elysia, React Router and Hono, use the adapter subpaths
 * (`sealed-session/next`, ...), each a thin layer over this store.
 *
 * @throws {ConfigurationError} on invalid options (`ERR_SECRET_INVALID`, `ERR_COOKIE_OPTION`,
 *   `ERR_OPTION_INVALID` naming an unknown option and the closest valid one, `ERR_NO_WEBCRYPTO`).
 */
export function createSessionStore<
  Data extends SessionData,
  Flash extends FlashData = Record<string, unknown>,
>(
  options: SessionOptions & { serializer: NonNullable<SessionOptions['serializer']> },
): SessionStore<Data, Flash>
export function createSessionStore<
  Data extends SessionData = Record<string, JsonValue>,
  Flash extends FlashData = Record<string, unknown>,
>(options: SessionOptions & JsonOnly<Data>): SessionStore<Data, Flash>
export function createSessionStore(options: SessionOptions): SessionStore<SessionData> {
  return storeOf(resolveOptions(options))
}

// Enough for an options function with one configuration per tenant; beyond, the least recently
// used goes (test/store.test.ts: 1,000 requests of the README's Workers pattern build one store).
const MAX_STORES = 1024

/**
 * @internal
 * A store for static options now, or, for an options function, one per distinct configuration
 * it returns, validated once; the hooks of each call ride along.
 */
export function storeResolver<Args extends unknown[]>(
  options: OptionsInput<Args>,
): (...args: Args) => StoreCore {
  if (typeof options !== 'function') {
    const store = storeOf(resolveOptions(options))
    return () => store
  }
  const stores = new Map<string, StoreCore>()
  // The configuration of the last call, copied: most requests repeat it (one tenant, Workers'
  // `env`), and comparing costs a fraction of building and hashing a key (bench: over HTTP, an
  // options function served 0.90x the old build's reads without it).
  let last: { readonly copy: Values; readonly store: StoreCore } | undefined
  return (...args) => {
    const { values, hooks } = valuesOf(options(...args))
    let store: StoreCore
    if (last !== undefined && same(values, last.copy)) store = last.store
    else {
      // Read once: the key, the validation and the next comparison all use this copy, so an
      // option that reads differently each time cannot key one store and build another. The
      // copy has no hooks: a cached store keeps none of a request's closures.
      const copy = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, copyOf(v)])) as Values
      const key = keyOf(copy)
      const found = stores.get(key)
      if (found === undefined) {
        store = storeOf(resolveOptions(copy as SessionOptions))
        if (stores.size >= MAX_STORES) stores.delete(stores.keys().next().value as string)
      } else {
        store = found
        stores.delete(key)
      }
      stores.set(key, store)
      last = { copy, store }
    }
    return store.withHooks(hooks) as StoreCore
  }
}

/** The options but the hooks, which are per call. */
type Values = Partial<Omit<SessionOptions, 'now' | 'onInvalid'>>

/**
 * Each option read once, by name, into a plain object (`cookie` likewise), the hooks apart. What
 * no store keeps is checked here, on every call, so that a cached store never hides it: unknown
 * options (a typo would leave a setting at its default) and hooks that are not functions.
 */
function valuesOf(raw: SessionOptions): { values: Values; hooks: Hooks } {
  if (typeof raw !== 'object' || raw === null) {
    throw configError('ERR_OPTION_INVALID', 'the options function must return an object')
  }
  checkKeys(raw, OPTION_KEYS, '')
  const values: Record<string, unknown> = {}
  const hooks: Record<string, unknown> = {}
  for (const key of OPTION_KEYS) {
    const value = raw[key]
    if (value !== undefined) (key === 'now' || key === 'onInvalid' ? hooks : values)[key] = value
  }
  const { cookie } = values
  if (typeof cookie === 'object' && cookie !== null) {
    checkKeys(cookie, COOKIE_KEYS, 'cookie.')
    const copy: Record<string, unknown> = {}
    for (const key of COOKIE_KEYS) {
      const value = (cookie as Record<string, unknown>)[key]
      if (value !== undefined) copy[key] = value
    }
    values.cookie = copy
  }
  return { values: values as Values, hooks: hooksOf(hooks) }
}

/**
 * A string equal for two copies exactly when they configure the same store: primitives by type
 * and value, secrets by content, plain objects and arrays (`legacy`, a secret list) entry by
 * entry, anything else (functions, extensions, a serializer's class) by identity.
 */
function keyOf(copy: Values): string {
  // Only the options given (in OPTION_KEYS order, as valuesOf read them): printing every option
  // made a key of about 300 characters, 4 µs per request on Node to build and hash.
  let out = ''
  for (const [key, value] of Object.entries(copy)) out += `|${key}=${part(value)}`
  return out
}

function part(value: unknown): string {
  if (typeof value === 'string') return `s${value.length}:${value}`
  if (value instanceof Uint8Array) return `b${value.join(',')}`
  if (Array.isArray(value)) return `[${value.map(part).join(',')}]`
  if (isData(value)) {
    let out = '{'
    for (const [k, v] of Object.entries(value)) out += `${k.length}:${k}=${part(v)};`
    return `${out}}`
  }
  if (typeof value === 'object' || typeof value === 'function')
    return value === null ? 'null' : identity(value)
  return `${typeof value}:${String(value)}`
}

/**
 * What an app may change in place, copied: bytes for real (a Buffer's slice() is a view), arrays
 * (a secret list, `legacy`) by index, holes read as `undefined`, as setup reads them. Objects are
 * kept: `cookie` is a fresh copy already, and a serializer's methods may need the object itself.
 */
function copyOf(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value)
  if (!Array.isArray(value)) return value
  return Array.from({ length: value.length }, (_, i) => copyOf(value[i]))
}

/** Whether `a` and `b` configure the same store: equal as keyOf tells, or in another key order. */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array) return b instanceof Uint8Array && equalBytes(a, b)
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    // An index loop, not every(): every() skips holes.
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false
    return true
  }
  if (!isData(a)) return a === b
  if (!isData(b)) return false
  // In any order: two objects with the same entries configure the same store.
  let count = 0
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !same(a[k], b[k])) return false
    count++
  }
  for (const _ in b) count--
  return count === 0
}

/**
 * A plain object, read by content. Not an extension (`chunking()`, a gate, a reader): those are
 * known by identity, since their brand is a symbol that reading by content would not see, and a
 * copy without it must be validated, and refused, as a new configuration.
 */
function isData(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !(EXTENSION in value)
  )
}

const ids = new WeakMap<object, number>()
let nextId = 0
function identity(value: object): string {
  let id = ids.get(value)
  if (id === undefined) {
    id = ++nextId
    ids.set(value, id)
  }
  return `#${id}`
}
