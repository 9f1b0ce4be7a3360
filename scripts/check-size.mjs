// Keeps the library's source readable in one sitting: no file under src/ over 400 lines, and no
// function over 80 (from its first line to its closing brace, as an editor shows it). A module
// or function that outgrows this is split where its parts separate; the limits came from a
// review that found one 624-line hub with a 197-line closure at the root of most of its defects.
//
//   node scripts/check-size.mjs              every .ts file under src/
//   node scripts/check-size.mjs a.ts b.ts    only these files

import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const MAX_FILE_LINES = 400
export const MAX_FUNCTION_LINES = 80

const root = fileURLToPath(new URL('..', import.meta.url))

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** What in `text` (a file at `path`) is over the limits, one line each: `path:line what`. */
export function oversize(path, text) {
  const found = []
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  if (lines > MAX_FILE_LINES) found.push(`${path}:1 the file is ${lines} lines, over ${MAX_FILE_LINES}`)
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const lineOf = (pos) => file.getLineAndCharacterOfPosition(pos).line + 1
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const first = lineOf(node.getStart(file))
      const length = lineOf(node.getEnd()) - first + 1
      if (length > MAX_FUNCTION_LINES) {
        const name = node.name?.getText(file) ?? 'a function'
        found.push(`${path}:${first} ${name} is ${length} lines, over ${MAX_FUNCTION_LINES}`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : sourceFiles(join(root, 'src'))
  const found = files.flatMap((f) => oversize(relative(root, f), readFileSync(f, 'utf8')))
  for (const line of found) console.error(line)
  if (found.length > 0) {
    console.error(`check-size: ${found.length} over the limits; split where the parts separate`)
    process.exit(1)
  }
  console.log(
    `check-size: ${files.length} files, none over ${MAX_FILE_LINES} lines or a function over ${MAX_FUNCTION_LINES}`,
  )
}
