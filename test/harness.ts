// A tiny test registry and assertion set with no dependencies, so the same compiled suite runs
// unchanged on Node, Deno, Bun and workerd (which, without nodejs_compat, has no node:assert).

type TestFn = () => void | Promise<void>

interface Case {
  readonly name: string
  readonly fn: TestFn
  /** Runs only on runtimes whose name matches (a store only one runtime has); others never see it. */
  readonly on?: RegExp
}

const cases: Case[] = []
let prefix = ''

/** Groups tests under a name prefix. */
export function describe(name: string, body: () => void): void {
  const outer = prefix
  prefix = `${outer}${name} › `
  try {
    body()
  } finally {
    prefix = outer
  }
}

export function test(name: string, fn: TestFn): void {
  cases.push({ name: prefix + name, fn })
}

/** A test for the runtimes whose `env.runtime` matches `on` only (not counted elsewhere). */
export function testOn(on: RegExp, name: string, fn: TestFn): void {
  cases.push({ name: prefix + name, fn, on })
}

/** Facts about the run, set by the runtime's runner before tests execute. */
/** `full`: run the heavy property and fuzz counts (set by test/run.mjs for one Node target in CI). */
/**
 * `redisUrl`: a redis-server test/run.mjs started for this run (Node and Bun). `bindings`: the
 * Worker's env on workerd (a KV namespace and a Durable Object namespace, test/runtimes/workerd.mjs).
 */
export const env: {
  runtime: string
  ci: boolean
  full: boolean
  redisUrl: string | undefined
  bindings: Record<string, unknown> | undefined
} = {
  runtime: 'unknown',
  ci: false,
  full: false,
  redisUrl: undefined,
  bindings: undefined,
}

/** Thrown by {@link skip}. */
class Skipped extends Error {
  override name = 'Skipped'
}

/**
 * Ends the current test as skipped: `reason` names the missing prerequisite. Under CI=true a
 * skip is a failure (the runner counts it so); never skip for anything else.
 */
export function skip(reason: string): never {
  throw new Skipped(reason)
}

export interface RunResult {
  passed: number
  failed: number
  skipped: number
  failures: { name: string; error: string }[]
}

/** Runs every registered test in order; `log` receives one line per failure. */
export async function run(
  log: (line: string) => void,
  options: {
    runtime: string
    ci: boolean
    full?: boolean
    filter?: string | undefined
    redisUrl?: string | undefined
    bindings?: Record<string, unknown> | undefined
  },
): Promise<RunResult> {
  env.runtime = options.runtime
  env.ci = options.ci
  env.full = options.full ?? false
  env.redisUrl = options.redisUrl || undefined
  env.bindings = options.bindings
  const { filter } = options
  const result: RunResult = { passed: 0, failed: 0, skipped: 0, failures: [] }
  for (const c of cases) {
    if ((filter && !c.name.includes(filter)) || (c.on && !c.on.test(env.runtime))) continue
    try {
      await c.fn()
      result.passed++
    } catch (error) {
      if (error instanceof Skipped && !env.ci) {
        result.skipped++
        log(`skip ${c.name}: ${error.message} (set CI=true to make this a failure)`)
        continue
      }
      result.failed++
      const text =
        error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)
      result.failures.push({ name: c.name, error: text })
      log(`FAIL ${c.name}\n  ${text.split('\n').slice(0, 6).join('\n  ')}`)
    }
  }
  return result
}

// --- assertions -----------------------------------------------------------------------------

export class AssertionError extends Error {
  override name = 'AssertionError'
}

function show(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    return String(value)
  }
}

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new AssertionError(message)
}

export function equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(
      `${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`,
    )
  }
}

export function notEqual(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected))
    throw new AssertionError(`${message ? `${message}: ` : ''}did not expect ${show(actual)}`)
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((x, i) => x === b[i])
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every(
    (k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  )
}

export function deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  if (!same(actual, expected)) {
    throw new AssertionError(
      `${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`,
    )
  }
}

export function match(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual))
    throw new AssertionError(`${message ? `${message}: ` : ''}${show(actual)} does not match ${pattern}`)
}

function checkCode(error: unknown, code: string | undefined): void {
  if (code !== undefined && (error as { code?: unknown })?.code !== code) {
    throw new AssertionError(
      `expected error code ${code}, got ${show((error as { code?: unknown })?.code)}: ${String(error)}`,
    )
  }
}

/** Asserts `fn` throws, with `code` when given; returns the error. */
export function throws(fn: () => unknown, code?: string): unknown {
  try {
    fn()
  } catch (error) {
    checkCode(error, code)
    return error
  }
  throw new AssertionError(`expected a throw${code ? ` with code ${code}` : ''}`)
}

/** Asserts `promise` rejects, with `code` when given; returns the error. */
export async function rejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  code?: string,
): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    checkCode(error, code)
    return error
  }
  throw new AssertionError(`expected a rejection${code ? ` with code ${code}` : ''}`)
}
