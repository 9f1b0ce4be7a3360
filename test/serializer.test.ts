// The strict JSON serializer checks the data in one walk and then calls JSON.stringify without a
// replacer (the fast path). These tests pin that the walk refuses everything JSON would change or
// drop, at any depth, and that what it accepts comes out exactly as JSON.stringify writes it.
import { jsonSerializer } from '../src/core/serializer.ts'
import { equal, ok, test, throws } from './harness.ts'

const { stringify } = jsonSerializer

function refused(value: unknown, why: string): void {
  const error = throws(() => stringify(value), 'ERR_SESSION_SERIALIZE')
  ok((error as Error).name === 'SerializationError', `${why}: ${String(error)}`)
}

test('serializer: accepts plain data and writes exactly what JSON.stringify writes', () => {
  const shared = { n: 1 }
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: [1, 'x', null] })
  const values: unknown[] = [
    {},
    { a: 1, b: 'two', c: true, d: null, e: [1, [2, [3]]], f: { g: { h: 0 } } },
    { skipped: undefined, kept: 1 },
    { same: shared, again: shared, list: [shared, shared] },
    bare,
    [{ a: 1 }, { flash: 'hi' }],
    { unicode: '\u00e9\u{1F600}\u2028', lone: '\ud800', quote: '"\\' },
    { toJSON: 'a string named toJSON is data' },
    { big: Number.MAX_SAFE_INTEGER, small: Number.MIN_VALUE, neg: -1.5e300 },
  ]
  for (const value of values) equal(stringify(value), JSON.stringify(value))
})

test('serializer: refuses what JSON would change, at any depth', () => {
  const cases: [unknown, string][] = [
    [{ a: 10n }, 'BigInt'],
    [{ a: [1, [2, () => 3]] }, 'function in a nested array'],
    [{ a: { b: Symbol('s') } }, 'symbol'],
    [{ a: [Number.NaN] }, 'NaN in an array'],
    [{ a: { b: Number.NEGATIVE_INFINITY } }, '-Infinity'],
    [{ a: { b: new Date(0) } }, 'Date'],
    [{ a: [new Map()] }, 'Map'],
    [{ a: new Set([1]) }, 'Set'],
    [{ a: new (class Point {})() }, 'class instance'],
    [{ a: new Number(1) }, 'boxed number'],
    [{ a: new String('s') }, 'boxed string'],
    [{ a: new Uint8Array(2) }, 'typed array'],
    [{ a: [1, undefined] }, 'undefined in an array'],
    // biome-ignore lint/suspicious/noSparseArray: a hole is the point of this case.
    [{ a: [1, , 3] }, 'hole in an array'],
    [{ a: { toJSON: () => 'replaced' } }, 'own toJSON'],
    [Object.defineProperty({ a: 1 }, 'toJSON', { value: () => ({}), enumerable: false }), 'hidden toJSON'],
    [{ a: Object.assign([1], { toJSON: () => 'x' }) }, 'array with toJSON'],
    // JSON writes -0 as 0 and skips symbol keys: the value would come back different.
    [{ a: { b: -0 } }, '-0'],
    [{ a: [1, -0] }, '-0 in an array'],
    [{ a: { [Symbol('s')]: 1, b: 2 } }, 'symbol-keyed property'],
    [{ a: Object.assign([1], { [Symbol('s')]: 1 }) }, 'symbol-keyed property on an array'],
  ]
  for (const [value, why] of cases) refused(value, why)
})

test('serializer: a BigInt is refused even with a BigInt.prototype.toJSON polyfill', () => {
  const proto = BigInt.prototype as { toJSON?: () => string }
  proto.toJSON = function (this: bigint) {
    return this.toString()
  }
  try {
    refused({ a: { b: 5n } }, 'polyfilled BigInt')
  } finally {
    delete proto.toJSON
  }
})

test("serializer: a cycle longer than the walk's shallow depth, or starting below it, is refused", () => {
  const ring: Record<string, unknown> = {}
  let node = ring
  for (let i = 0; i < 100; i++) node = node.next = {} as Record<string, unknown>
  node.next = ring
  refused(ring, 'a cycle of 101 objects')
  let deep: Record<string, unknown> = { leaf: 1 }
  const inner = deep
  for (let i = 0; i < 60; i++) deep = { down: deep }
  inner.back = deep
  refused(deep, 'a cycle closing 60 levels down')
  let nested: unknown = { ok: 1 }
  for (let i = 0; i < 60; i++) nested = [nested]
  equal(stringify(nested), JSON.stringify(nested))
})

test('serializer: with an enumerable property on Object.prototype, only own keys are checked', () => {
  const proto = Object.prototype as Record<string, unknown>
  proto.polluted = () => 'inherited, and JSON.stringify ignores it'
  try {
    equal(stringify({ a: { b: 1 } }), '{"a":{"b":1}}')
    refused({ a: { b: -0 } }, '-0 under a polluted prototype')
    refused({ a: { b: () => 1 } }, 'a function under a polluted prototype')
  } finally {
    delete proto.polluted
  }
})

test('serializer: cycles, deep nesting and throwing getters are SerializationErrors', () => {
  const cyclic: Record<string, unknown> = { a: { b: {} } }
  ;((cyclic.a as Record<string, unknown>).b as Record<string, unknown>).back = cyclic
  refused(cyclic, 'nested cycle')
  const list: unknown[] = []
  list.push({ list })
  refused({ list }, 'cycle through an array')
  let deep: unknown = 1
  for (let i = 0; i < 200_000; i++) deep = [deep]
  refused(deep, 'nesting deeper than the stack')
  refused(
    Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter')
      },
    }),
    'throwing getter',
  )
})
