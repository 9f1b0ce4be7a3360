// Runs a compiled suite on Bun: bun run test/runtimes/bun.mjs <absolute suite.js> [filter]
// `bun run`, not `bun test`: the suite is its own runner with its own counts, and `bun run` is how
// an app runs in production (`bun test` adds its own globals and NODE_ENV=test).
import { stackMapper } from './source-map.mjs'

const [, , suite, filter] = process.argv
const { run } = await import(suite)
const mapStack = stackMapper(suite, await Bun.file(suite).text())
const runtime = `bun ${Bun.version}`
const ci = process.env.CI === 'true'
const redisUrl = process.env.SEALED_SESSION_REDIS_URL
const result = await run((line) => console.log(mapStack(line)), { runtime, ci, filter, redisUrl })
const skipped = result.skipped ? `, ${result.skipped} skipped` : ''
console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed${skipped}`)
process.exitCode = result.failed > 0 ? 1 : 0
