// A tiny test registry and assertion set with no dependencies, so the same compiled suite runs
// unchanged on Node, Deno, Bun and workerd (which, without nodejs_compat, has no node:assert).

type TestFn = () => void | Promise<void>

interface Case {
  readonly name: string
  readonly fn: TestFn
  /** Runs only on runtimes whose name matches (a store only one runtime has); others never see it. */
  readonly on?: RegExp
  /** `skip`: printed and counted, never run. `only`: the run is these cases alone (fails under CI). */
  readonly mark?: 'skip' | 'only'
}

const cases: Case[] = []
let prefix = ''
/** The mark of the enclosing `describe.skip` / `describe.only`, if any. */
let groupMark: Case['mark']

function register(name: string, fn: TestFn, on?: RegExp, mark = groupMark): void {
  cases.push({ name: prefix + name, fn, ...(on ? { on } : {}), ...(mark ? { mark } : {}) })
}

function group(name: string, body: () => void, mark: Case['mark']): void {
  const [outer, outerMark] = [prefix, groupMark]
  prefix = `${outer}${name} › `
  groupMark = mark ?? outerMark
  try {
    body()
  } finally {
    prefix = outer
    groupMark = outerMark
  }
}

/** Groups tests under a name prefix. `describe.skip` and `describe.only` mark every test inside. */
export const describe: {
  (name: string, body: () => void): void
  skip(name: string, body: () => void): void
  only(name: string, body: () => void): void
} = Object.assign((name: string, body: () => void) => group(name, body, undefined), {
  skip: (name: string, body: () => void) => group(name, body, 'skip'),
  only: (name: string, body: () => void) => group(name, body, 'only'),
})

/**
 * Registers a test; its full name (with the `describe` prefixes) must be unique. `test.skip`
 * prints and counts the test as skipped without running it; `test.only` runs the marked tests
 * alone, and fails the run under CI=true so it is never committed by mistake.
 */
export const test: {
  (name: string, fn: TestFn): void
  skip(name: string, fn: TestFn): void
  only(name: string, fn: TestFn): void
} = Object.assign((name: string, fn: TestFn) => register(name, fn), {
  skip: (name: string, fn: TestFn) => register(name, fn, undefined, 'skip'),
  only: (name: string, fn: TestFn) => register(name, fn, undefined, 'only'),
})

/** A test for the runtimes whose `env.runtime` matches `on` only (not counted elsewhere). */
export function testOn(on: RegExp, name: string, fn: TestFn): void {
  register(name, fn, on)
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
  const fail = (name: string, error: string) => {
    result.failed++
    result.failures.push({ name, error })
    log(`FAIL ${name}\n  ${error.split('\n').slice(0, 6).join('\n  ')}`)
  }
  // Two tests of one name cannot be told apart in a report: each behaviour gets one title.
  const seen = new Set<string>()
  for (const c of cases) {
    if (seen.has(c.name)) fail(c.name, 'this test name is registered twice')
    seen.add(c.name)
  }
  const only = cases.filter((c) => c.mark === 'only')
  if (only.length > 0) {
    const names = only.map((c) => c.name).join('; ')
    if (env.ci) fail('test.only', `test.only must not be committed (CI=true): ${names}`)
    else log(`only: running the ${only.length} test(s) marked test.only or describe.only: ${names}`)
  }
  for (const c of only.length > 0 ? only : cases) {
    if ((filter && !c.name.includes(filter)) || (c.on && !c.on.test(env.runtime))) continue
    if (c.mark === 'skip') {
      if (env.ci) {
        fail(c.name, 'marked test.skip (CI=true makes a skip a failure)')
        continue
      }
      result.skipped++
      log(`skip ${c.name}: marked test.skip (set CI=true to make this a failure)`)
      continue
    }
    try {
      await c.fn()
      result.passed++
    } catch (error) {
      if (error instanceof Skipped && !env.ci) {
        result.skipped++
        log(`skip ${c.name}: ${error.message} (set CI=true to make this a failure)`)
        continue
      }
      fail(c.name, describeError(error))
    }
  }
  return result
}

/** The error's first line and its stack (V8 starts the stack with that line; JavaScriptCore does not). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const head = `${error.name}: ${error.message}`
  const stack = error.stack ?? ''
  return stack.startsWith(head) ? stack : `${head}\n${stack}`
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
