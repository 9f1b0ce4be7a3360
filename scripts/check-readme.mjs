// The README as the npm and JSR pages show it: taken from the packed tarball (`npm pack`, what npm
// publishes) and every link in it checked, without the network:
// - a link into this repository (`<repository>/blob/<ref>/<path>` or `/tree/<ref>/<path>`, the
//   repository being package.json's `repository.url`) names a file or folder that exists here at
//   <path>, and its `#fragment` a heading of that file;
// - a relative link names a file in the tarball that jsr.json publishes too: npm's and JSR's
//   pages resolve nothing else, and docs/ is not in the package (its links reach examples/, bench/
//   and src/, which are not either), so the README links to the docs in the repository;
// - `#fragment` alone names a heading of the README;
// - any other link is https (listed, not fetched).
// It also holds the README's framework table to package.json: each optional peer dependency is
// listed with its range, beside the adapter's import.
//
//   node scripts/check-readme.mjs    packs this repository (`npm run build` first is not needed)
//
// test/package.mjs runs checkReadme() on the tarball it builds and unpacks.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { anchors, prose, repositoryFiles } from './check-links.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Each optional peer dependency and the subpath that adapts it. */
const ADAPTERS = {
  '@sveltejs/kit': 'sealed-session/sveltekit',
  astro: 'sealed-session/astro',
  elysia: 'sealed-session/elysia',
  h3: 'sealed-session/h3',
  hono: 'sealed-session/hono',
  next: 'sealed-session/next',
  'react-router': 'sealed-session/react-router',
}

/** Every link target in the Markdown outside code: inline, reference definitions, autolinks. */
export function links(markdown) {
  const out = []
  for (const line of prose(markdown)) {
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line)
    if (definition) {
      out.push(definition[1])
      continue
    }
    const text = line.replace(/`[^`]*`/g, '')
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) out.push(m[1])
    for (const m of text.matchAll(/<(https?:\/\/[^>\s]+)>/g)) out.push(m[1])
    for (const m of text.matchAll(/\b(?:href|src)="([^"]+)"/g)) out.push(m[1])
  }
  return out
}

/** `https://github.com/owner/name` from package.json's `repository`. */
function repositoryUrl(manifest) {
  const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url
  if (!url) throw new Error('package.json has no repository.url')
  return url.replace(/^git\+/, '').replace(/\.git$/, '')
}

/** A glob of jsr.json's publish.include (`**` and `*` only) as a RegExp. */
function globToRegExp(glob) {
  const body = glob
    .split(/(\*\*\/|\*)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${body}$`)
}

/**
 * Checks the README of an unpacked package (`dir`, holding `files`, its paths) against this
 * repository. Returns { problems, counts, external }.
 */
export function checkReadme(dir, files) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const readme = readFileSync(join(dir, 'README.md'), 'utf8')
  const repository = repositoryUrl(manifest)
  const jsr = JSON.parse(readFileSync(join(root, 'jsr.json'), 'utf8')).publish.include.map(globToRegExp)
  const tracked = new Set(repositoryFiles('*'))
  const inRepository = (path) =>
    tracked.has(path) || [...tracked].some((f) => f.startsWith(`${path.replace(/\/$/, '')}/`))
  const problems = []
  const external = []
  const counts = { repository: 0, relative: 0, fragment: 0, external: 0 }

  const fragmentOf = (target, markdown, where) => {
    const fragment = target.split('#')[1]
    if (fragment !== undefined && !anchors(markdown).has(fragment)) {
      problems.push(`${target}: no heading #${fragment} in ${where}`)
    }
  }

  for (const target of links(readme)) {
    if (target.startsWith('#')) {
      counts.fragment++
      fragmentOf(target, readme, 'README.md')
    } else if (target.startsWith(`${repository}/`)) {
      counts.repository++
      const m = new RegExp(`^${repository}/(blob|tree)/([^/]+)/([^#?]+)`).exec(target)
      if (!m) {
        problems.push(`${target}: a repository link should be ${repository}/blob/<ref>/<path>`)
        continue
      }
      const path = decodeURIComponent(m[3])
      if (!inRepository(path)) {
        problems.push(`${target}: no ${path} in this repository`)
        continue
      }
      if (m[1] === 'tree' && !statSync(join(root, path)).isDirectory()) {
        problems.push(`${target}: ${path} is a file; link it with /blob/`)
      } else if (m[1] === 'blob' && statSync(join(root, path)).isDirectory()) {
        problems.push(`${target}: ${path} is a folder; link it with /tree/`)
      } else if (m[1] === 'blob') fragmentOf(target, readFileSync(join(root, path), 'utf8'), path)
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      counts.external++
      if (!target.startsWith('https://')) problems.push(`${target}: not https`)
      external.push(target)
    } else {
      counts.relative++
      const path = normalize(target.split('#')[0]).replace(/^\.\//, '')
      if (!files.includes(path)) problems.push(`${target}: not in the npm tarball`)
      else if (!jsr.some((re) => re.test(path))) problems.push(`${target}: not published to JSR (jsr.json)`)
      else if (path.endsWith('.md')) fragmentOf(target, readFileSync(join(dir, path), 'utf8'), path)
    }
  }

  // The framework table: `| Name `range` | `export` from `subpath` | recipe |`.
  const rows = readme.split('\n').filter((line) => line.startsWith('|'))
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    const subpath = ADAPTERS[peer]
    if (!subpath) {
      problems.push(`peer dependency ${peer}: add its adapter to ADAPTERS here and to the README's table`)
      continue
    }
    const row = rows.find((line) => line.includes(`\`${subpath}\``))
    if (!row) problems.push(`the README's framework table has no row importing ${subpath}`)
    // A `|` inside a cell is written `\|` (Markdown tables): split on the others, then unescape.
    else if (
      !row
        .split(/(?<!\\)\|/)[1]
        ?.replaceAll('\\|', '|')
        .includes(`\`${range}\``)
    ) {
      problems.push(`the README's row for ${subpath} should give ${peer}'s peer range \`${range}\``)
    }
  }
  return { problems, counts, external }
}

/** `npm pack` into a temporary folder and unpacked there; returns { dir, files, cleanup }. */
export function packReadme() {
  const tmp = mkdtempSync(join(tmpdir(), 'sealed-session-readme-'))
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )
  const dir = join(tmp, 'package')
  mkdirSync(dir)
  execFileSync('tar', ['-xzf', join(tmp, packed.filename), '-C', dir, '--strip-components=1'])
  return {
    dir,
    files: packed.files.map((f) => f.path),
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkg = packReadme()
  try {
    if (!existsSync(join(pkg.dir, 'README.md'))) throw new Error('the tarball has no README.md')
    const { problems, counts } = checkReadme(pkg.dir, pkg.files)
    for (const p of problems) console.error(`broken: ${p}`)
    console.log(
      `packed README: ${counts.repository} repository links, ${counts.relative} relative, ` +
        `${counts.fragment} to its own headings, ${counts.external} external (not fetched); ` +
        `${problems.length} broken`,
    )
    process.exitCode = problems.length === 0 ? 0 : 1
  } finally {
    pkg.cleanup()
  }
}
