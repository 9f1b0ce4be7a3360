import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

// SvelteKit 2's configuration of examples/sveltekit (whose sources the runner copies here): as
// SvelteKit 3 reads it, from here (SvelteKit 2.62+), plus the flag for explicit environment variables.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      // SvelteKit refuses a form post whose Origin header is not this site's, and one with no
      // Origin at all. Browsers send Origin on every form post; the demo's checks, a plain HTTP
      // client, send none. So the check moves to src/hooks.server.ts (`sameOrigin`), which refuses
      // a foreign Origin and lets an absent one through; the session cookie's SameSite=Lax keeps
      // it from riding along on a cross-site post either way. Keep SvelteKit's own check if you can.
      csrf: { trustedOrigins: ['*'] },
      // SvelteKit 2.62+: environment variables declared in src/env.ts, read from $app/env/private,
      // as SvelteKit 3 does by default.
      experimental: { explicitEnvironmentVariables: true },
    }),
  ],
})
