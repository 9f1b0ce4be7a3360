// Checks every relative link in the repository's Markdown: the file or folder exists, and a
// `#fragment` names a heading of the target (GitHub's anchors). External links are not fetched.
//
//   node scripts/check-links.mjs            every tracked *.md file
//   node scripts/check-links.mjs README.md  only these files
//
// Output folders that a command builds (docs/api/ from `npm run docs`) may be absent: a link to
// one is reported, not failed, until the folder exists. The README's links are absolute (it is
// also the npm and JSR page): scripts/check-readme.mjs checks those, against this repository.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(new URL(import.meta.url).pathname), '..')
const GENERATED = ['docs/api']

/** Every tracked or new (not ignored) file of the repository matching `pattern`, root-relative. */
export function repositoryFiles(pattern) {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', pattern], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.includes('node_modules/'))
}

const main = process.argv[1] === fileURLToPath(import.meta.url)
const files = !main ? [] : process.argv.length > 2 ? process.argv.slice(2) : repositoryFiles('*.md')

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown) {
  const seen = new Map()
  const out = new Set()
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return out
}

/** The lines outside fenced code blocks. */
export function prose(markdown) {
  let fenced = false
  return markdown.split('\n').filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced
      return false
    }
    return !fenced
  })
}

const problems = []
const notes = []
let checked = 0
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8')
  for (const line of prose(text)) {
    const withoutCode = line.replace(/`[^`]*`/g, '')
    for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      checked++
      const [path, fragment] = target.split('#')
      const resolved = path ? normalize(join(dirname(file), path)) : file
      const where = `${file}: ${target}`
      if (!existsSync(join(root, resolved))) {
        if (GENERATED.some((g) => `${resolved}/`.startsWith(`${g}/`))) notes.push(`${where} (generated)`)
        else problems.push(`${where}: no ${relative('.', resolved) || resolved}`)
        continue
      }
      if (fragment === undefined || statSync(join(root, resolved)).isDirectory()) continue
      if (!anchors(readFileSync(join(root, resolved), 'utf8')).has(fragment)) {
        problems.push(`${where}: no heading #${fragment} in ${resolved}`)
      }
    }
  }
}

if (main) {
  for (const n of notes) console.log(`not built yet: ${n}`)
  for (const p of problems) console.error(`broken: ${p}`)
  console.log(`${checked} relative links in ${files.length} files, ${problems.length} broken`)
  process.exit(problems.length === 0 ? 0 : 1)
}
