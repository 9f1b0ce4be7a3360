// The "other runtimes" section: the portable matrix (bench/portable.ts) bundled once and run by
// Bun, Deno and workerd (through Miniflare, with wrangler.toml's compatibility date).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireFromRuntimes } from '../scripts/runtimes.mjs'
import type { PortableOptions, PortableResult } from './portable.ts'
import { bundle, compatibilityDate, runCli } from './tools.ts'

export type RuntimeResults = Record<string, PortableResult | { error: string }>

export async function runtimesSection(
  names: readonly string[],
  options: PortableOptions,
): Promise<RuntimeResults> {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-session-bench-'))
  const results: RuntimeResults = {}
  try {
    const cli = join(dir, 'cli.mjs')
    const worker = join(dir, 'worker.mjs')
    await bundle('bench/portable-cli.ts', cli, 'node')
    await bundle('bench/portable-worker.ts', worker, 'neutral')
    const json = JSON.stringify(options)
    for (const name of names) {
      process.stderr.write(`  ${name}...\n`)
      try {
        if (name === 'bun' || name === 'deno') results[name] = await runCli(name, cli, json)
        // workerd's clock ticks in whole milliseconds: longer batches keep that error small.
        else if (name === 'workerd')
          results.workerd = await workerd(
            worker,
            JSON.stringify({ ...options, batchMs: options.batchMs * 3 }),
          )
        else throw new Error(`unknown runtime ${name}`)
      } catch (error) {
        results[name] = { error: String((error as Error).message ?? error) }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

/** The little of miniflare's API used here; it is installed in runtimes/, out of tsc's sight. */
type MiniflareClass = new (options: {
  modules: { type: 'ESModule'; path: string; contents: string }[]
  compatibilityDate: string
}) => { dispatchFetch(url: string, init: RequestInit): Promise<Response>; dispose(): Promise<void> }

/** Runs a bundled Worker (one ESM module) in workerd through Miniflare: POSTs `options`, parses the JSON answer. */
export async function workerd<T = PortableResult>(scriptPath: string, options: string): Promise<T> {
  const { Miniflare } = requireFromRuntimes('miniflare') as { Miniflare: MiniflareClass }
  // The bundle is one self-contained module, handed over as text (a path outside the working
  // directory is refused as a module root).
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.mjs', contents: readFileSync(scriptPath, 'utf8') }],
    compatibilityDate: compatibilityDate(),
  })
  try {
    const response = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: options })
    const text = await response.text()
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  } finally {
    await mf.dispose()
  }
}
