// The demo as an Astro app: every page rendered on demand, served by the node adapter's standalone
// server (HOST and PORT from the environment).
import node from '@astrojs/node'
import { defineConfig, envField } from 'astro/config'

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Astro refuses a form post whose Origin header is not this site's, and one with no Origin at
  // all. Browsers always send it, but the demo's checks post as curl does, without one: so this
  // example turns the check off and src/middleware.ts refuses a foreign Origin instead. An app
  // whose clients are browsers keeps the default (true).
  security: { checkOrigin: false },
  // Read when the server runs, not inlined at build: the same build serves any secret.
  env: {
    schema: {
      SESSION_SECRET: envField.string({ context: 'server', access: 'secret', optional: true }),
      SESSION_COOKIE: envField.string({ context: 'server', access: 'secret', optional: true }),
      SESSION_MAX_AGE: envField.number({ context: 'server', access: 'secret', optional: true }),
    },
  },
})
