// The suite's entry when it runs against the packed tarball (what `npm pack` would publish)
// instead of src/: test/run.mjs compiles it with `sealed-session` left for the runtime to resolve
// from an unpacked tarball's node_modules (Node, Deno, Bun), or bundled from there by esbuild
// through the package's `exports` map (workerd, as wrangler would). A runtime that quietly
// resolved the name elsewhere (Bun reads tsconfig `paths`, Node resolves a package's own name to
// the repository) would test the wrong code, so one more test says where the name went.
import { match, test } from './harness.ts'

export { RevocationObject, run } from './all.ts'

/** Set by esbuild `define` when the package is bundled: the files the names resolved to. */
declare const PACKAGE_BUNDLED_FROM: readonly string[] | undefined

/**
 * Set by esbuild `define`: `['index', 'index']`, then each subpath of package.json's `exports`
 * with the file under dist/ it names (`['hono', 'adapters/hono']`), in order.
 */
declare const PACKAGE_ENTRIES: readonly (readonly [string, string])[]
const ENTRIES = PACKAGE_ENTRIES

test('package › sealed-session and each of its subpaths load from the packed tarball', () => {
  const resolved =
    typeof PACKAGE_BUNDLED_FROM === 'undefined'
      ? ENTRIES.map(([e]) => import.meta.resolve(e === 'index' ? 'sealed-session' : `sealed-session/${e}`))
      : PACKAGE_BUNDLED_FROM
  ENTRIES.forEach(([, file], i) => {
    match(resolved[i]!, new RegExp(`/node_modules/sealed-session/dist/${file}\\.js$`))
  })
})
