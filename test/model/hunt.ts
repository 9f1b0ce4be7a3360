// Hunts one invariant at a time over the store model's configurations, for the record of which
// known defect the model-based test finds and after how many runs. Not part of the suite:
//
//   node --import tsx test/model/hunt.ts [runs] [check id ...]
//
// Per configuration and check id, it runs the test's own seed (SEED + index) until a run breaks
// that invariant, and prints the run number, fast-check's seed and path, and the shrunk commands.
// `commit-twice` is skipped (every write in a static configuration breaks it at once, which would
// hide the rest), and a run that breaks another invariant first counts as passing.

import * as fc from 'fast-check'
import { commandArbitraries, label, MAX_COMMANDS, matrix, SEED, setup } from './commands.ts'
import { ModelViolation } from './reference.ts'
import type { Config } from './world.ts'

const TARGETS = [
  'legacy-revoked',
  'legacy-unverified',
  'logout-legacy',
  'logout-cookie',
  'flash-read-undid-destroy',
]

function hunting(cfg: Config, target: string) {
  return fc.asyncProperty(
    fc.commands(commandArbitraries(cfg), { maxCommands: MAX_COMMANDS }),
    async (commands) => {
      try {
        await fc.asyncModelRun(setup(cfg, new Set(['commit-twice'])), commands)
      } catch (error) {
        if (error instanceof ModelViolation && error.id !== target) return
        throw error
      }
    },
  )
}

// Node only; the suite's tsconfig has no Node types.
const argv = (globalThis as { process?: { argv: string[] } }).process?.argv ?? []
const [runsArg, ...ids] = argv.slice(2)
const numRuns = Number(runsArg ?? 1000)
for (const [i, cfg] of matrix().entries()) {
  for (const target of ids.length > 0 ? ids : TARGETS) {
    const details = await fc.check(hunting(cfg, target), { numRuns, seed: SEED + i })
    const where = `${label(cfg)} ${target}`
    if (!details.failed) {
      console.log(`${where}: not found in ${details.numRuns} runs`)
      continue
    }
    const error = details.errorInstance
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    console.log(
      `${where}: run ${details.numRuns}, seed ${details.seed}, path "${details.counterexamplePath}"\n` +
        `  ${details.counterexample?.[0] ? String(details.counterexample[0]) : ''}\n  ${message?.slice(0, 400)}`,
    )
  }
}
