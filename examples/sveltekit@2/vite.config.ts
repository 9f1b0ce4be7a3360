// vite.config.ts: SvelteKit 2.62 or later reads its configuration from here too, and takes
// src/env.ts and $app/env/private (as SvelteKit 3 does) behind one flag.
import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      experimental: {
        explicitEnvironmentVariables: true,
        remoteFunctions: true, // demo checks
      },
    }),
  ],
})
