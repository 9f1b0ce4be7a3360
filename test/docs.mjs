#!/usr/bin/env node
// The API reference and the published types, checked (a target of test/run.mjs):
// - `npm run docs` (TypeDoc, typedoc.json) builds docs/api/ with no warning: every public symbol
//   documented, every link resolved, nothing public referring to an unexported type, and this
//   project's rules (scripts/typedoc-rules.mjs: @module, @example, @default);
// - the declaration build (tsconfig.build.json, stripInternal) type-checks on its own with
//   skipLibCheck off, so nothing public refers to a declaration stripInternal removed;
// - no internal declaration survives in it: every exported declaration of every .d.ts is one a
//   public entry point exports, and the named internals appear nowhere.
//
//   node test/docs.mjs
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { runNamedChecks } from './counting.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}.test-build/dts`
const bin = (name) => `${root}node_modules/.bin/${name}`
const entries = JSON.parse(readFileSync(`${root}typedoc.json`, 'utf8')).entryPoints.map((p) =>
  p.replace(/^src\//, '').replace(/\.ts$/, '.d.ts'),
)
// The internals the store and its helpers pass around; none may reach a consumer's types.
const INTERNAL = ['SessionConfig', 'SessionInit', 'Keyring', 'SessionKey', 'Loaded', 'Snapshot', 'Verified']

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { status: result.status, out: `${result.stdout}${result.stderr}` }
}

/** Every emitted .d.ts, as a consumer's compiler sees it (skipLibCheck off). */
function declarationProgram() {
  return ts.createProgram(
    declarationFiles(out).map((f) => `${out}/${f}`),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
    },
  )
}

function declarationFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? declarationFiles(`${dir}/${e.name}`, `${prefix}${e.name}/`)
      : e.name.endsWith('.d.ts')
        ? [`${prefix}${e.name}`]
        : [],
  )
}

const checks = {
  'npm run docs: TypeDoc builds docs/api with 0 warnings and 0 errors': () => {
    const { status, out: log } = run(bin('typedoc'), [])
    const found = /Found (\d+) errors and (\d+) warnings/.exec(log)
    const problems = log.split('\n').filter((l) => /^\[(warning|error)\]/.test(l))
    if (status !== 0 || found || problems.length > 0) throw new Error(problems.join('\n') || log)
  },
  'the declaration build (stripInternal) type-checks alone, skipLibCheck off': () => {
    rmSync(out, { recursive: true, force: true })
    const build = run(bin('tsc'), ['-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', out])
    if (build.status !== 0) throw new Error(build.out)
    // Third-party types (hono, h3, elysia) are theirs to check; ours, every one, are checked here.
    const program = declarationProgram()
    const errors = program
      .getSourceFiles()
      .filter((f) => f.fileName.startsWith(`${out}/`))
      .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    if (errors.length > 0) {
      throw new Error(
        ts.formatDiagnostics(errors, {
          getCanonicalFileName: (f) => f,
          getCurrentDirectory: () => root,
          getNewLine: () => '\n',
        }),
      )
    }
  },
  'no internal declaration in the published .d.ts (each export is a public one)': () => {
    const files = declarationFiles(out)
    const program = declarationProgram()
    const checker = program.getTypeChecker()
    const exported = new Set()
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(`${out}/${entry}`))
      for (const s of checker.getExportsOfModule(module)) {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
        for (const d of target.declarations ?? []) exported.add(d)
      }
    }
    const leaks = []
    for (const file of files) {
      const source = program.getSourceFile(`${out}/${file}`)
      const module = checker.getSymbolAtLocation(source)
      for (const s of module ? checker.getExportsOfModule(module) : []) {
        if (s.flags & ts.SymbolFlags.Alias) continue
        if (!(s.declarations ?? []).some((d) => exported.has(d))) leaks.push(`${file}: ${s.name}`)
      }
      // Outside comments: an identifier naming one of the internals.
      const text = source.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
      for (const name of INTERNAL) {
        if (new RegExp(`\\b${name}\\b`).test(text)) leaks.push(`${file}: mentions ${name}`)
      }
    }
    if (leaks.length > 0) throw new Error(`not public (mark @internal, or export it):\n${leaks.join('\n')}`)
  },
  "Session's constructor is not in the published types (sessions come from a store)": () => {
    const session = readFileSync(`${out}/core/session.d.ts`, 'utf8')
    const body = /export declare class Session<[\s\S]*?\n}/.exec(session)?.[0]
    if (body === undefined) throw new Error('no Session class in session.d.ts')
    if (/\bconstructor\s*\(|\[[A-Z_]+\]\(/.test(body)) throw new Error(body)
  },
}

await runNamedChecks(checks, 'docs › ')
