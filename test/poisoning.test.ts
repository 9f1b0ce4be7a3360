// Last test of the suite: nothing the library or the suite did left a global or a built-in
// prototype changed, added or removed (prototype pollution included). all.ts imports
// @fast-check/poisoning before any other module of the suite, so the snapshot predates them all.

import { assertNoPoisoning, restoreGlobals } from '@fast-check/poisoning'
import { describe, test } from './harness.ts'

// Runtime state that changes as the runtime works, not through the suite: Deno creates
// console._stdout on the first write, Bun updates process.stdin and
// PerformanceObserver.supportedEntryTypes, workerd fills navigator.languages. Objects also
// reachable from other globals (the built-in prototypes) stay checked.
const options = { ignoredRootRegex: /^(?:console|process|PerformanceObserver|navigator)$/ }

describe('poisoning', () => {
  test('after the whole suite, no global or built-in prototype was changed, added or removed', () => {
    try {
      assertNoPoisoning(options)
    } catch (error) {
      restoreGlobals(options)
      throw error
    }
  })
})
