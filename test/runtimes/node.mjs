// Runs the compiled suite on this Node: node test/runtimes/node.mjs <suite.js> [filter]
import { pathToFileURL } from 'node:url'

const [, , suite, filter] = process.argv
const { run } = await import(pathToFileURL(suite).href)
const result = await run(console.log, {
  runtime: `node ${process.version}`,
  ci: process.env.CI === 'true',
  filter,
})
console.log(`${result.passed} passed, ${result.failed} failed`)
process.exitCode = result.failed > 0 ? 1 : 0
