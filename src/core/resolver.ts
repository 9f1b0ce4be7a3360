// Options in, a store out: `createSessionStore` for static options, and the resolver that
// `withSession` and the adapters use for options given as a function of the request (a tenant's
// secret, Workers' `env`).
//
// A function returns a new object per request. Its stores are cached on what the options resolve
// to, read by name (so getters, prototypes, proxies and frozen objects all count by their values),
// never on how the object was written. The hooks `now` and `onInvalid` are taken from each call
// and not cached on, so an inline closure does not make a store per request.

import { COOKIE_KEYS } from './cookie.ts'
import { configError } from './errors.ts'
import { OPTION_KEYS, resolveOptions, type SessionOptions } from './options.ts'
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
  return (...args) => {
    const raw = options(...args)
    if (typeof raw !== 'object' || raw === null) {
      throw configError('ERR_OPTION_INVALID', 'the options function must return an options object')
    }
    const values = valuesOf(raw)
    const key = keyOf(values)
    let store = stores.get(key)
    if (store === undefined) {
      store = storeOf(resolveOptions(values as SessionOptions, raw))
      if (stores.size >= MAX_STORES) stores.delete(stores.keys().next().value as string)
    } else stores.delete(key)
    stores.set(key, store)
    return store.withHooks({ now: values.now ?? Date.now, onInvalid: values.onInvalid }) as StoreCore
  }
}

type Values = { -readonly [K in (typeof OPTION_KEYS)[number]]?: SessionOptions[K] }

/** Each option read once, by name, into a plain object; `cookie` likewise. */
function valuesOf(raw: SessionOptions): Values {
  const out: Record<string, unknown> = {}
  for (const key of OPTION_KEYS) {
    const value = raw[key]
    if (value !== undefined) out[key] = value
  }
  const cookie = out.cookie
  if (typeof cookie === 'object' && cookie !== null) {
    const copy: Record<string, unknown> = {}
    for (const key of COOKIE_KEYS) {
      const value = (cookie as Record<string, unknown>)[key]
      if (value !== undefined) copy[key] = value
    }
    out.cookie = copy
  }
  return out as Values
}

/**
 * A string equal for two sets of values exactly when they configure the same store: primitives
 * by type and value, secrets by content, objects and functions by identity, arrays (`legacy`,
 * a secret list) element by element. The hooks are left out.
 */
function keyOf(values: Values): string {
  // Only the options given (valuesOf read them in OPTION_KEYS order): printing every option made
  // a key of about 300 characters, 4 µs per request on Node to build and hash (bench: requests,
  // ours-fn); the options given take 1 µs.
  let out = ''
  for (const key in values) {
    if (key === 'now' || key === 'onInvalid') continue
    out += `|${key}=${part(values[key as keyof Values])}`
  }
  return out
}

function part(value: unknown): string {
  if (typeof value === 'string') return `s${value.length}:${value}`
  if (value instanceof Uint8Array) return `b${value.join(',')}`
  if (Array.isArray(value)) return `[${value.map(part).join(',')}]`
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let out = '{'
    for (const [k, v] of Object.entries(value)) out += `${k}:${part(v)};`
    return `${out}}`
  }
  if (typeof value === 'object' || typeof value === 'function')
    return value === null ? 'null' : identity(value)
  return `${typeof value}:${String(value)}`
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
