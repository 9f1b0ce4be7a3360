#!/usr/bin/env node
// Every secret-looking literal in the README, the docs and the examples is refused as a `secret`:
// a reader who pastes one gets ERR_SECRET_INVALID at setup, not a key anyone can read. Short ones
// fail the 32-byte rule; longer ones must be listed in PUBLISHED_SECRETS (src/core/keys.ts). Node only
// (it reads the tracked files); run by test/run.mjs as the `docs-secrets` target.
//   node --import tsx test/docs-secrets.mjs
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { normalizeSecrets } from '../src/core/keys.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const tracked = execFileSync(
  'git',
  ['ls-files', '-z', '--', '*.md', 'examples', '.dev.vars.example', 'wrangler.toml'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter(
    (f) => f && !f.startsWith('test/') && !f.includes('node_modules/') && !/^(CHANGELOG|LICENSE)/.test(f),
  )
  .filter((f) => /\.(md|ts|tsx|mjs|js|svelte|astro|toml|example)$/.test(f))

// A line that names a secret, password or key, and a quoted literal on it with no space.
const NAMES = /secret|password|\bkeys?\b/i
const LITERAL = /'([\x21-\x26\x28-\x7e]+)'|"([\x21\x23-\x7e]+)"|`([\x21-\x23\x25-\x5f\x61-\x7e]+)`/g
// `SESSION_SECRET=value` in a shell line or an env file (a `$(...)` is generated, not a literal).
const ASSIGNED = /\b\w*(?:SECRET|PASSWORD|KEY)\w*=(?!\$)([^\s'"`]+|'[^']+'|"[^"]+")/g

const found = new Map()
for (const file of tracked) {
  const lines = readFileSync(`${root}${file}`, 'utf8').split('\n')
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`
    for (const m of line.matchAll(ASSIGNED)) found.set(m[1].replace(/^['"]|['"]$/g, ''), at)
    if (!NAMES.test(line)) return
    for (const m of line.matchAll(LITERAL)) {
      const value = m[1] ?? m[2] ?? m[3]
      if (!found.has(value)) found.set(value, at)
    }
  })
}

let passed = 0
let failed = 0
for (const [value, at] of found) {
  let code
  try {
    normalizeSecrets(value)
  } catch (error) {
    code = error?.code
  }
  if (code === 'ERR_SECRET_INVALID') passed++
  else {
    failed++
    console.log(
      `FAIL ${at}: ${JSON.stringify(value)} is accepted as a secret; add it to PUBLISHED_SECRETS in src/core/keys.ts`,
    )
  }
}
const long = [...found.keys()].filter((v) => new TextEncoder().encode(v).length >= 32)
console.log(
  `  [docs-secrets] ${tracked.length} files, ${found.size} literals, ${long.length} of 32 bytes or more: ${long.map((v) => JSON.stringify(v)).join(', ') || 'none'}`,
)
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
