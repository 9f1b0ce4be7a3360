// What the benchmark runs on: the tools it starts (Bun, Deno, workerd), the machine it describes,
// the compatibility date Workers run with (wrangler.toml's, as the tests use), and the helpers that
// bundle a bench entry and run it in another runtime.

import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { type BuildOptions, build } from 'esbuild'
import { requireFromRuntimes, tool } from '../scripts/runtimes.mjs'

export const root = new URL('..', import.meta.url).pathname

/**
 * A tool's executable: Bun, Deno and workerd come from runtimes/, installed on first use
 * (scripts/runtimes.mjs; bench/run.ts ensures it before a section that needs them).
 */
export const bin = (name: string): string => tool(name)

/** wrangler.toml's `compatibility_date`: Workers here run exactly as the demo deploys. */
export function compatibilityDate(): string {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8')
  const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml)?.[1]
  if (date === undefined) throw new Error('wrangler.toml has no compatibility_date')
  return date
}

/** The workerd release miniflare runs (the same binary `workerd serve` is). */
export function workerdVersion(): string {
  try {
    return requireFromRuntimes('workerd/package.json').version
  } catch {
    return 'not available'
  }
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(
      '\n',
    )[0]!
  } catch {
    return 'not available'
  }
}

/** The header lines of a report: machine, runtime versions and the command (`how` says how it ran). */
export function machine(command: string, how: string): string[] {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  return [
    `- Machine: ${availableParallelism()} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; shared with other jobs while measuring, hence ratios rather than absolute times`,
    `- Runtimes: Node ${process.version}, Bun ${version(bin('bun'), ['--version'])}, ${version(bin('deno'), ['--version'])}, workerd ${workerdVersion()} (compatibility date ${compatibilityDate()})`,
    `- Command: \`${command}\` (${how}), ${new Date().toISOString().slice(0, 10)}`,
  ]
}

/** What every bench bundle shares: one ESM file for Node-like runtimes, or neutral for workerd. */
export function bundleOptions(platform: 'node' | 'neutral'): BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform,
    mainFields: ['module', 'main'],
    conditions: platform === 'neutral' ? ['worker', 'browser'] : [],
    logLevel: 'error',
  }
}

/** Bundles a bench entry into one ESM file for Node-like runtimes, or neutral for workerd. */
export async function bundle(
  entry: string,
  outfile: string,
  platform: 'node' | 'neutral',
  define: Record<string, string> = {},
): Promise<void> {
  await build({
    ...bundleOptions(platform),
    define,
    entryPoints: [join(root, entry)],
    outfile,
    // CommonJS peers (keygrip) call require('crypto'); give the ESM bundle a real require.
    banner:
      platform === 'node'
        ? {
            js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
          }
        : {},
  })
}

/** Runs a command to completion; its stdout, or a rejection naming the exit code and stderr's tail. */
/**
 * Runs a bundled bench CLI (`cli`, taking `json` options) on Node, Bun or Deno and parses the JSON
 * it prints.
 */
export async function runCli<T>(name: 'node' | 'bun' | 'deno', cli: string, json: string): Promise<T> {
  if (name === 'node') return JSON.parse(await run(process.execPath, [cli, json]))
  if (name === 'bun') return JSON.parse(await run(bin('bun'), [cli, json]))
  const deno = ['run', '--quiet', '--no-prompt', '--allow-read', '--allow-env', '--allow-sys', cli, json]
  return JSON.parse(await run(bin('deno'), deno))
}

export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${command} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`))
    })
  })
}
