// middleware.ts: Next.js 15 runs the `middleware` export of middleware.ts, which Next.js 16 renamed
// the `proxy` export of proxy.ts; this is examples/next's proxy under Next.js 15's names. Next
// reads `config` from this file's own text: a re-exported one is ignored (every path would match).
export { proxy as middleware } from './proxy'
export const config = { matcher: '/' }
