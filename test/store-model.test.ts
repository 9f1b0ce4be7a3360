// A stateful, model-based property test of the session store (fast-check commands): random
// sequences of requests (set, flash, read a flash message, destroy, regenerate, setLifetime,
// revoke, bind), clock steps forward and back within the clock skew, secret rotation,
// revokeSubject, an unreachable revocation store, the old library's cookie beside ours, an
// attacker replaying copied cookies (with or without the bound cookie), and a DBSC browser
// registering and refreshing through the device-binding endpoints with a WebCrypto key, each step
// checked against a reference model of what the browser holds and what the app must see
// (test/model/). Only the public API is used.
//
// Runs over the configuration matrix: revocation, a legacy reader, chunking, two named sessions,
// an options function and device binding, each on and off (with device binding, longer sequences:
// a binding needs a login, a registration and a clock step to show). Fixed seeds, so every run
// is the same; a failure prints fast-check's seed, path and shrunk commands, and the broken
// invariant's id in brackets.
// All configurations: node test/run.mjs node --filter "store model"
// One configuration:  node test/run.mjs node --filter "store model › (revocation, legacy)"
// One invariant at a time, with many runs: test/model/hunt.ts.

import * as fc from 'fast-check'
import { describe, env, test } from './harness.ts'
import { commandArbitraries, label, MAX_COMMANDS, matrix, SEED, setup } from './model/commands.ts'
import type { Config } from './model/world.ts'

/** Runs per configuration: a few on every runtime, more once on the Node CI uses. */
function runs(): number {
  return env.full ? 200 : 20
}

/** The property for one configuration: every command sequence keeps the model and the store in step. */
function property(cfg: Config) {
  return fc.asyncProperty(
    fc.commands(commandArbitraries(cfg), {
      maxCommands: MAX_COMMANDS,
      ...(cfg.deviceBound ? { size: 'medium' as const } : {}),
    }),
    async (commands) => {
      await fc.asyncModelRun(setup(cfg), commands)
    },
  )
}

describe('store model', () => {
  for (const [i, cfg] of matrix().entries()) {
    test(`${label(cfg)}: random request sequences keep what the app sees and what the browser holds equal to the reference model`, async () => {
      try {
        await fc.assert(property(cfg), { numRuns: runs(), seed: SEED + i })
      } catch (error) {
        // fast-check keeps the failing assertion as `cause`; the harness prints only the message.
        const cause = (error as { cause?: unknown }).cause
        if (error instanceof Error && cause instanceof Error)
          error.message = `${cause.message}\n${error.message}`
        throw error
      }
    })
  }
})
