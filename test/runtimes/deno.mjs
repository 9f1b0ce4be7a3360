// Runs a compiled suite on Deno:
//   deno run --no-prompt --node-modules-dir=manual --allow-read=<suite dir> --allow-env=CI \
//     test/runtimes/deno.mjs <absolute suite.js> [filter]
// `deno run`, not `deno test`: the suite is its own runner with its own counts, and `deno run`
// granted nothing but reading the suite (no net, write, run, ffi, nor env beyond CI) shows the
// library asks Deno for no permission at all. --node-modules-dir=manual lets the package mode
// resolve `sealed-session` from the unpacked tarball's node_modules, as an npm user's Deno would.
const [suite, filter] = Deno.args
const { run } = await import(new URL(`file://${suite}`).href)
const runtime = `deno ${Deno.version.deno}`
const result = await run(console.log, { runtime, ci: Deno.env.get('CI') === 'true', filter })
const skipped = result.skipped ? `, ${result.skipped} skipped` : ''
console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed${skipped}`)
Deno.exitCode = result.failed > 0 ? 1 : 0
