// Bun and Deno entry: runs the portable matrix (plus the node:crypto keygrip reference, which
// both support) and prints it as JSON on stdout. Argument: the options as JSON.

import { keygrip } from './codecs-node.ts'
import { runPortable } from './portable.ts'

declare const Deno: { args: string[] } | undefined

const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2)
const result = await runPortable(JSON.parse(args[0] ?? '{"rounds":5,"batchMs":10}'), [
  { id: 'keygrip', label: 'cookie-session (keygrip)', factory: keygrip },
])
console.log(JSON.stringify(result))
