// Revocations in a Durable Object: the store, and the object class behind it.

import { numberOf, RevocationError, type RevocationStore } from '../contract.ts'

/** The part of a Durable Object namespace binding this uses. */
export interface DurableObjectNamespaceLike {
  /** The id of the object named `name`. */
  idFromName(name: string): unknown
  /** The stub of the object `id`, whose `fetch` reaches {@link RevocationObject.fetch}. */
  get(id: never): {
    /** Sends a request to the object. */
    fetch(url: string, init: RequestInit): Promise<Response>
  }
}

/**
 * Revocations in a Durable Object ({@link RevocationObject}): strongly consistent, one object
 * for all (`name`), so every check is a round trip to wherever it lives.
 *
 * @example
 * ```ts
 * // wrangler.toml: [[durable_objects.bindings]] name = "REVOCATION", class_name = "RevocationObject"
 * export { RevocationObject } from 'sealed-session/revocation'
 * revocation({ store: durableObjectStore(env.REVOCATION), subject: (s) => s.get('user') })
 * ```
 */
export function durableObjectStore(
  namespace: DurableObjectNamespaceLike,
  options: { name?: string } = {},
): RevocationStore {
  const stub = () => namespace.get(namespace.idFromName(options.name ?? 'revocation') as never)
  const call = async (path: string, body: unknown) => {
    const response = await stub().fetch(`https://revocation/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new RevocationError(`revocation object answered ${response.status}`)
    return response.json() as Promise<unknown>
  }
  return {
    async get(keys) {
      const values = (await call('get', keys)) as unknown[]
      return keys.map((_, i) => numberOf(values[i]))
    },
    async raise(key, value, ttlMs) {
      await call('raise', { key, value, ttlMs })
    },
  }
}

/** The part of `DurableObjectState` {@link RevocationObject} uses. */
export interface DurableObjectStateLike {
  /** The object's transactional storage. */
  storage: {
    get<T>(keys: string[]): Promise<Map<string, T>>
    get<T>(key: string): Promise<T | undefined>
    put<T>(key: string, value: T): Promise<void>
    delete(keys: string[]): Promise<number>
    list<T>(options?: { limit?: number }): Promise<Map<string, T>>
    getAlarm(): Promise<number | null>
    setAlarm(at: number): Promise<void>
  }
}

interface Stored {
  value: number
  until: number
}

/**
 * The Durable Object class behind {@link durableObjectStore}. Export it from your Worker and bind
 * it (`[[durable_objects.bindings]]`, with a migration listing it in `new_sqlite_classes`).
 * Expired entries are deleted by an alarm.
 *
 * @example
 * ```ts
 * // worker.ts: the runtime constructs it; export it beside your handler.
 * export { RevocationObject } from 'sealed-session/revocation'
 * ```
 */
export class RevocationObject {
  readonly #storage: DurableObjectStateLike['storage']

  constructor(state: DurableObjectStateLike) {
    this.#storage = state.storage
  }

  /** Answers {@link durableObjectStore}'s requests: `POST /get` and `POST /raise`. */
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    const body = (await request.json()) as unknown
    const at = Date.now()
    if (path === '/get' && Array.isArray(body)) {
      const found = await this.#storage.get<Stored>(body.map(String))
      return Response.json(body.map((k) => live(found.get(String(k)), at)))
    }
    const { key, value, ttlMs } = (body ?? {}) as Partial<Record<string, unknown>>
    if (
      path === '/raise' &&
      typeof key === 'string' &&
      typeof value === 'number' &&
      typeof ttlMs === 'number'
    ) {
      // One object runs one request at a time between awaits on storage: read and write are atomic.
      const current = live(await this.#storage.get<Stored>(key), at)
      if (current === undefined || current < value) {
        const until = at + ttlMs
        await this.#storage.put(key, { value, until })
        const alarm = await this.#storage.getAlarm()
        if (alarm === null || alarm > until) await this.#storage.setAlarm(until)
      }
      return Response.json(true)
    }
    return new Response('not found', { status: 404 })
  }

  /** Deletes expired entries, and wakes again for the next to expire. */
  async alarm(): Promise<void> {
    const at = Date.now()
    let next = Number.POSITIVE_INFINITY
    const expired: string[] = []
    for (const [key, entry] of await this.#storage.list<Stored>()) {
      if (entry.until <= at) expired.push(key)
      else next = Math.min(next, entry.until)
    }
    for (let i = 0; i < expired.length; i += 128) await this.#storage.delete(expired.slice(i, i + 128))
    if (next !== Number.POSITIVE_INFINITY) await this.#storage.setAlarm(next)
  }
}

function live(entry: Stored | undefined, at: number): number | undefined {
  return entry !== undefined && at < entry.until ? entry.value : undefined
}
