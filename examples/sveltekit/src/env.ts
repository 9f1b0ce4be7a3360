// src/env.ts: the environment variables the app reads, from $app/env/private; each is read when
// the server starts, never built in. SvelteKit validates them while it builds too, where the
// secret is unset: so it is optional here, and the session hook refuses to start without it.
import { defineEnvVars } from '@sveltejs/kit/env'

// A variable that may be unset, as a Standard Schema (https://standardschema.dev), which both
// SvelteKit 2 and 3 take.
const optional = {
  '~standard': {
    version: 1,
    vendor: 'app',
    validate: (value: unknown) => ({ value: typeof value === 'string' && value !== '' ? value : undefined }),
    types: undefined as unknown as { input: string | undefined; output: string | undefined },
  },
} as const

export const variables = defineEnvVars({
  SESSION_SECRET: { schema: optional, description: 'the session secret: openssl rand -base64 32' },
  SESSION_COOKIE: { schema: optional }, // demo checks
  SESSION_MAX_AGE: { schema: optional }, // demo checks
})
