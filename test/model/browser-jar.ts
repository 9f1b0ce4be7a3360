// A browser's cookie jar for the model-based store test, closer to RFC 6265bis than test/jar.ts:
// cookies are keyed by name, Path and Domain (section 5.7 step 23), `Max-Age` expires them on the
// test's clock (0 or less deletes at once), a replaced cookie keeps its creation time, and a
// request is sent the cookies whose Path matches its own, longest Path first, then oldest first
// (section 5.8.3). Secure, HttpOnly and SameSite are ignored: every request is same-site over a
// secure origin.

/** One stored cookie. */
export interface StoredCookie {
  readonly name: string
  readonly value: string
  readonly path: string
  readonly domain: string
  /** Milliseconds on the test's clock; `undefined` for a browser-session cookie. */
  readonly expires: number | undefined
  readonly created: number
}

/** A `Set-Cookie` value, taken apart. */
export interface ParsedSetCookie {
  readonly name: string
  readonly value: string
  readonly path: string
  readonly domain: string
  readonly maxAge: number | undefined
}

/** Parses a `Set-Cookie` value as a browser does for the attributes the store writes. */
export function parseSetCookie(line: string): ParsedSetCookie {
  const [pair = '', ...attributes] = line.split(';')
  const eq = pair.indexOf('=')
  let path = '/'
  let domain = ''
  let maxAge: number | undefined
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.trim().split('=')
    const lower = key.toLowerCase()
    if (lower === 'path') path = value
    else if (lower === 'domain') domain = value.replace(/^\./, '').toLowerCase()
    else if (lower === 'max-age') maxAge = Number(value)
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path, domain, maxAge }
}

/** RFC 6265bis section 5.1.4: does a request to `requestPath` get a cookie set with `cookiePath`? */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}

export class BrowserJar {
  readonly #cookies = new Map<string, StoredCookie>()
  #order = 0

  /** Applies `Set-Cookie` values in order, at `now` on the test's clock. */
  apply(lines: readonly string[], now: number): void {
    for (const line of lines) {
      const c = parseSetCookie(line)
      const key = `${c.name};${c.path};${c.domain}`
      if (c.maxAge !== undefined && c.maxAge <= 0) {
        this.#cookies.delete(key)
        continue
      }
      const old = this.#cookies.get(key)
      this.#cookies.set(key, {
        name: c.name,
        value: c.value,
        path: c.path,
        domain: c.domain,
        expires: c.maxAge === undefined ? undefined : now + c.maxAge * 1000,
        created: old?.created ?? this.#order++,
      })
    }
  }

  /** Sets one cookie directly, as another application on the site would. */
  plant(name: string, value: string, path: string): void {
    this.apply([`${name}=${value}; Path=${path}`], 0)
  }

  /** The cookies a request to `path` at `now` carries, in the order a browser sends them. */
  sent(path: string, now: number): StoredCookie[] {
    for (const [key, c] of this.#cookies)
      if (c.expires !== undefined && !(now < c.expires)) this.#cookies.delete(key)
    return [...this.#cookies.values()]
      .filter((c) => pathMatches(path, c.path))
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
  }

  /** The `Cookie` header a request to `path` at `now` carries (empty: none). */
  header(path: string, now: number): string {
    return this.sent(path, now)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ')
  }

  /** The value of cookie `name` stored for `path` (any domain), if any. */
  find(name: string, path: string): string | undefined {
    for (const c of this.#cookies.values()) if (c.name === name && c.path === path) return c.value
    return undefined
  }

  /** Every stored cookie. */
  all(): StoredCookie[] {
    return [...this.#cookies.values()]
  }
}
