// Runs a compiled suite on this Node: node [flags] test/runtimes/node.mjs <suite.js> [filter]
import { pathToFileURL } from 'node:url'

const [, , suite, filter] = process.argv
// The suite carries an inline source map: stack traces then name test/*.ts and src/*.ts lines.
process.setSourceMapsEnabled(true)
const { run } = await import(pathToFileURL(suite).href)
const runtime = `node ${process.version}`
const ci = process.env.CI === 'true'
const full = ci && process.env.SEALED_SESSION_FULL_RUNS === '1'
const redisUrl = process.env.SEALED_SESSION_REDIS_URL
const result = await run(console.log, { runtime, ci, full, filter, redisUrl })
const skipped = result.skipped ? `, ${result.skipped} skipped` : ''
console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed${skipped}`)
process.exitCode = result.failed > 0 ? 1 : 0
