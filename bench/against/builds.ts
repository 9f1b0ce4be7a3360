// The builds a side-by-side run compares: the library's sources at a git ref (or the working
// tree), each in a directory of its own with a layout adapter copied beside them, and the esbuild
// setup that bundles any number of them into one module, so one process times them all.
//
// A build's public entry points are found through its own package.json `exports` (the `dist/*.js`
// path of each subpath, read back as its `src/*.ts`), so a layout change between the builds needs
// no change here; only the token-level internals need a layout adapter (core.ts, flat.ts).

import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { bundleOptions, root } from '../tools.ts'

export interface Build {
  /** Name in the report and key in the bundle's build map ('old', 'new', 'old-again'). */
  readonly label: string
  /** The ref as given, or 'working tree'. */
  readonly ref: string
  /** Short commit hash (with '+changes' for a working tree that differs from HEAD). */
  readonly commit: string
  readonly dir: string
  /** The layout adapter: 'core' (src/core/*, after the redesign) or 'flat' (src/*.ts, before). */
  readonly layout: 'core' | 'flat'
}

const git = (args: string[]): string =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).trim()

/**
 * Writes the sources of `ref` to `dir` with their layout adapter. `ref` is a git ref, a directory
 * holding src/ and package.json (another checkout, a patched copy), or undefined: the working tree.
 */
export function materialize(label: string, ref: string | undefined, dir: string): Build {
  mkdirSync(dir, { recursive: true })
  let commit: string
  const from = ref === undefined ? root : existsSync(join(ref, 'src')) ? ref : undefined
  if (from !== undefined) {
    cpSync(join(from, 'src'), join(dir, 'src'), { recursive: true })
    copyFileSync(join(from, 'package.json'), join(dir, 'package.json'))
    if (from === root) {
      const dirty = git(['status', '--porcelain', '--', 'src', 'package.json']) !== ''
      commit = `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? '+changes' : ''}`
    } else commit = 'directory'
  } else {
    commit = git(['rev-parse', '--short', `${ref}^{commit}`])
    const tar = execFileSync('git', ['archive', '--format=tar', commit, 'src', 'package.json'], {
      cwd: root,
      maxBuffer: 1 << 28,
    })
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
  }
  const layout = existsSync(join(dir, 'src/core/token.ts'))
    ? 'core'
    : existsSync(join(dir, 'src/token.ts'))
      ? 'flat'
      : undefined
  if (layout === undefined) throw new Error(`${ref ?? 'the working tree'}: no layout adapter fits its src/`)
  const adapters = join(dir, 'bench/against')
  mkdirSync(adapters, { recursive: true })
  for (const file of ['api.ts', 'common.ts', `${layout}.ts`])
    copyFileSync(join(root, 'bench/against', file), join(adapters, file))
  return { label, ref: ref ?? 'working tree', commit, dir, layout }
}

/** The adapter module of a build: what a bundle imports as that build. */
export const adapterOf = (b: Build): string => join(b.dir, 'bench/against', `${b.layout}.ts`)

/** `sealed-session[/subpath]` of a build, through its package.json `exports` (dist/x.js → src/x.ts). */
export function entryOf(b: Build, specifier: string): string {
  const pkg = JSON.parse(readFileSync(join(b.dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { default: string }>
  }
  const sub = `.${specifier.slice('sealed-session'.length)}`
  const target = pkg.exports[sub]
  const file = typeof target === 'string' ? target : target?.default
  if (file === undefined) throw new Error(`${b.label} (${b.commit}) exports no ${specifier}`)
  return join(b.dir, file.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))
}

/** Resolves `sealed-session[/subpath]` imported from inside a build to that build's own file. */
function buildsPlugin(builds: readonly Build[]): Plugin {
  return {
    name: 'sealed-session-builds',
    setup(b) {
      b.onResolve({ filter: /^sealed-session(\/.*)?$/ }, (args) => {
        const owner = builds.find((x) => args.importer.startsWith(`${x.dir}/`))
        return owner === undefined ? undefined : { path: entryOf(owner, args.path) }
      })
    },
  }
}

/**
 * Bundles `entry` (a bench/against module exporting `main(builds)` or `worker(builds)`) with every
 * build, into one ESM file: for Node, Bun and Deno (`node`) or workerd (`neutral`).
 */
export async function bundleWith(
  builds: readonly Build[],
  entry: string,
  call: string,
  outfile: string,
  platform: 'node' | 'neutral',
): Promise<void> {
  const lines = builds.map((b, i) => `import { build as b${i} } from ${JSON.stringify(adapterOf(b))}`)
  const map = `{ ${builds.map((b, i) => `${JSON.stringify(b.label)}: b${i}`).join(', ')} }`
  const source = [
    ...lines,
    `import * as entry from ${JSON.stringify(join(root, entry))}`,
    call.replace('BUILDS', map),
  ]
  writeFileSync(`${outfile}.entry.ts`, source.join('\n'))
  await build({
    ...bundleOptions(platform),
    entryPoints: [`${outfile}.entry.ts`],
    outfile,
    // The builds live outside the repository; the peers they share (Hono) come from its modules.
    nodePaths: [join(root, 'node_modules')],
    plugins: [buildsPlugin(builds)],
  })
}
