// The demo's checks (test/frameworks.mjs), not part of the recipe: the one code the second factor
// of /verify accepts.
export const CODE = '123456'
