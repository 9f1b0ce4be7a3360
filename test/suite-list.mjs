// The suite is the files test/all.ts imports: a test file it does not import compiles into no
// runtime's suite and never runs, silently. test/run.mjs calls unlisted() before it compiles and
// stops, naming each such file; test/counting.test.mjs checks that a missing one is caught.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Every `*.test.ts` under `dir`, as paths relative to it with `/` separators, sorted. */
function testFiles(dir, under = dir) {
  const found = []
  for (const entry of readdirSync(under, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const path = join(under, entry.name)
    if (entry.isDirectory()) found.push(...testFiles(dir, path))
    else if (entry.name.endsWith('.test.ts')) found.push(relative(dir, path).split(sep).join('/'))
  }
  return found.sort()
}

/** The `./…` paths test/all.ts imports, comments left out (a commented-out import runs nothing). */
function imported(allTs) {
  const code = allTs.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return new Set([...code.matchAll(/\bimport\s+(?:[^'"]*?\bfrom\s+)?['"]\.\/([^'"]+)['"]/g)].map((m) => m[1]))
}

/** The test files under `<root>/test` that `<root>/test/all.ts` does not import, e.g. `['security/x.test.ts']`. */
export function unlisted(root) {
  const dir = join(root, 'test')
  const listed = imported(readFileSync(join(dir, 'all.ts'), 'utf8'))
  return testFiles(dir).filter((file) => !listed.has(file))
}
