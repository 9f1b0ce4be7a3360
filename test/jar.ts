// A browser cookie jar, as much of one as the chunking and compression tests need: Set-Cookie
// lines applied in order, `Max-Age=0` deleting, and the stored cookies sent back in one or
// several `Cookie` header lines. Immutable-style helpers build forged variants.

export class Jar {
  readonly #cookies: Map<string, string>

  constructor(cookies: Iterable<[string, string]> = []) {
    this.#cookies = new Map(cookies)
  }

  /** Applies `Set-Cookie` values as a browser would (attributes other than Max-Age=0 ignored). */
  apply(setCookies: readonly string[]): this {
    for (const line of setCookies) {
      const pair = line.split(';')[0]!
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      if (/;\s*Max-Age=0(;|$)/i.test(line)) this.#cookies.delete(name)
      else this.#cookies.set(name, pair.slice(eq + 1))
    }
    return this
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  set(name: string, value: string): this {
    this.#cookies.set(name, value)
    return this
  }

  /** A copy with `name` set to `value`. */
  with(name: string, value: string): Jar {
    return new Jar(this.#cookies).set(name, value)
  }

  /** A copy without `name`. */
  without(name: string): Jar {
    const copy = new Jar(this.#cookies)
    copy.#cookies.delete(name)
    return copy
  }

  /** Cookie names, sorted (so `session`, `session.1`, `session.2`...). */
  names(): string[] {
    return [...this.#cookies.keys()].sort()
  }

  entries(): [string, string][] {
    return this.names().map((n) => [n, this.#cookies.get(n)!])
  }

  /** `name=value` pairs, one per cookie, as HTTP/2 may send them in separate header lines. */
  lines(): string[] {
    return this.entries().map(([n, v]) => `${n}=${v}`)
  }

  /** One `Cookie` header value. */
  header(): string {
    return this.lines().join('; ')
  }
}
