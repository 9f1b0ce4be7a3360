// Declarations for the untyped CommonJS peers the benchmark loads.
declare module 'keygrip' {
  export default class Keygrip {
    constructor(keys: readonly string[], algorithm?: string, encoding?: string)
    sign(data: string): string
    verify(data: string, digest: string): boolean
    index(data: string, digest: string): number
  }
}
declare module 'autocannon' {
  interface Options {
    url: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
  }
  interface Result {
    requests: { average: number }
    non2xx: number
    errors: number
  }
  export default function autocannon(
    options: Options,
    done: (error: Error | null, result: Result) => void,
  ): unknown
}
