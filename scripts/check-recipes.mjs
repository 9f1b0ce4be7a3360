// Every recipe's code is the tested code: a code block in docs/recipes/*.md whose first line names
// a file (`// src/session.ts`, `<!-- src/routes/+page.svelte -->`, `// src/pages/index.astro`
// after an .astro file's opening `---`) must equal that file of the example the recipe names
// above it, in an HTML comment the rendered page does not show:
//
//   <!-- example: examples/tanstack-start -->
//
// test/frameworks.mjs builds each example with its framework's own tools and type check (with
// SESSION_SECRET unset), serves it and drives it with the demo's checks, so a recipe that
// passes here is copy-paste complete code that builds, type-checks and works. Lines of an
// example that end in `// demo checks` serve only the demo's checks and are left out of the
// recipe's copy. A file a shown file imports by a relative path must be shown too (generated
// modules, `./$types`, `./+types/*` and `*.gen`, excepted), so no recipe leans on a file it does
// not give.
//
//   node scripts/check-recipes.mjs
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const RECIPES = 'docs/recipes'
const DEMO_ONLY = /\/\/ demo checks$/
const MARKER = /^<!-- example: (examples\/[^\s]+) -->$/
const FENCE = /^(```+|~~~+)(.*)$/
// A path as a block's first line names it: a comment holding only the path, or the path and a
// colon before the comment's text.
const NAMED = /^(?:\/\/|<!--|#)\s*((?:[\w@.+$[\]()-]+\/)*[\w@+$[\]()-][\w@.+$[\]()-]*\.[a-z]+)(?::|\s*-->|$)/
const GENERATED = /\$types|\+types\/|\.gen$/
const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '/index.ts']

/** The recipe's code blocks: { example, path, code, line }, `path` undefined for a free snippet. */
export function blocksOf(markdown) {
  const blocks = []
  let example
  let open
  markdown.split('\n').forEach((text, i) => {
    if (open) {
      if (text.startsWith(open.fence) && text.slice(open.fence.length).trim() === '') {
        blocks.push({ ...open, code: open.lines.join('\n') })
        open = undefined
      } else open.lines.push(text)
      return
    }
    const marker = MARKER.exec(text.trim())
    if (marker) example = marker[1]
    const fence = FENCE.exec(text)
    if (fence) open = { fence: fence[1], example, line: i + 1, lines: [] }
  })
  for (const block of blocks) {
    const [first = '', second = ''] = block.code.split('\n')
    block.path = NAMED.exec(first === '---' ? second : first)?.[1]
  }
  return blocks
}

/** What a recipe shows of an example's file: the file without its demo-only lines. */
export function recipeCopy(source) {
  return source
    .split('\n')
    .filter((line) => !DEMO_ONLY.test(line.trimEnd()))
    .join('\n')
    .replace(/\n+$/, '')
}

/** Relative imports of a shown file, as example-relative paths. */
function importsOf(path, code) {
  const found = []
  for (const [, spec] of code.matchAll(/(?:from|import)\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (GENERATED.test(spec)) continue
    found.push(normalize(join(dirname(path), spec)))
  }
  return found
}

const problems = []
let checked = 0
let recipes = 0
for (const file of readdirSync(join(root, RECIPES)).filter((f) => f.endsWith('.md'))) {
  const where = `${RECIPES}/${file}`
  const blocks = blocksOf(readFileSync(join(root, where), 'utf8'))
  const named = blocks.filter((b) => b.example !== undefined && b.path !== undefined)
  if (named.length === 0) continue
  recipes++
  const shown = new Map() // example → Set of paths
  for (const block of named) {
    const at = `${where}:${block.line}`
    const target = join(root, block.example, block.path)
    if (!existsSync(join(root, block.example))) {
      problems.push(`${at}: no example folder ${block.example}`)
      continue
    }
    if (!existsSync(target)) {
      problems.push(`${at}: ${block.example}/${block.path} does not exist`)
      continue
    }
    checked++
    const want = recipeCopy(readFileSync(target, 'utf8'))
    const have = block.code.replace(/\n+$/, '')
    if (have !== want) {
      const a = have.split('\n')
      const b = want.split('\n')
      const n = a.findIndex((line, k) => line !== b[k])
      const k = n === -1 ? a.length : n
      problems.push(
        `${at}: differs from ${block.example}/${block.path} at its line ${k + 1}:\n` +
          `    recipe:  ${a[k] ?? '(end)'}\n    example: ${b[k] ?? '(end)'}`,
      )
    }
    if (!shown.has(block.example)) shown.set(block.example, new Set())
    shown.get(block.example).add(block.path)
  }
  for (const [example, paths] of shown) {
    for (const path of paths) {
      const code = recipeCopy(readFileSync(join(root, example, path), 'utf8'))
      for (const wanted of importsOf(path, code)) {
        const hit = EXTENSIONS.map((e) => wanted + e).find((p) => paths.has(p))
        if (!hit)
          problems.push(`${where}: ${example}/${path} imports ${wanted}, which the recipe does not show`)
      }
    }
  }
}
for (const p of problems) console.error(`recipe: ${p}`)
console.log(
  `${checked} code blocks in ${recipes} recipes checked against their examples, ${problems.length} problems`,
)
process.exitCode = problems.length === 0 ? 0 : 1
