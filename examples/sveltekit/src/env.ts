// The environment variables the app reads, from $app/env/private (SvelteKit 3, or 2.62+ with the
// flag in vite.config.ts). Each is read when the server starts, never inlined by the build.
import { defineEnvVars } from '@sveltejs/kit/env'

/**
 * A variable that may be unset, as a Standard Schema (https://standardschema.dev), the form both
 * SvelteKit 2 and 3 take. Without a schema, SvelteKit refuses to start when the variable is unset.
 */
const optional = {
  '~standard': {
    version: 1,
    vendor: 'sealed-session-demo',
    validate: (value: unknown) => ({ value: typeof value === 'string' && value !== '' ? value : undefined }),
    // What the schema takes and gives, for the types only (SvelteKit 2 infers from it).
    types: undefined as unknown as { input: string | undefined; output: string | undefined },
  },
} as const

export const variables = defineEnvVars({
  // Optional for the demo only, which then makes a random development secret (hooks.server.ts).
  // An app declares `SESSION_SECRET: {}`, so that SvelteKit refuses to start without it.
  SESSION_SECRET: { schema: optional, description: 'the session secret: openssl rand -base64 32' },
  SESSION_COOKIE: { schema: optional, description: 'the session cookie name' },
  SESSION_MAX_AGE: { schema: optional, description: 'the session lifetime, in seconds' },
})
