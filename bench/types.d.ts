// Declarations for the untyped CommonJS peers the benchmark loads.
declare module 'keygrip' {
  export default class Keygrip {
    constructor(keys: readonly string[], algorithm?: string, encoding?: string)
    sign(data: string): string
    verify(data: string, digest: string): boolean
    index(data: string, digest: string): number
  }
}
