// vite.config.ts: SvelteKit 3 reads its configuration from here (svelte.config.js is gone).
import adapter from '@sveltejs/adapter-node'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      experimental: { remoteFunctions: true }, // demo checks
    }),
  ],
})
