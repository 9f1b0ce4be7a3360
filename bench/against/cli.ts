// Node, Bun and Deno entry of a side-by-side run: bench/against/builds.ts bundles it with the builds
// and calls `main` with them. Argument: the options as JSON; prints the result as JSON on stdout.

import { type AgainstOptions, type Builds, runAgainst } from './sections.ts'

declare const Deno: { args: string[] } | undefined

export async function main(builds: Builds): Promise<void> {
  const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2)
  const options = JSON.parse(args[0] ?? '{}') as AgainstOptions
  console.log(JSON.stringify(await runAgainst(builds, options)))
}
