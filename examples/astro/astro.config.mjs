// astro.config.mjs: every page rendered on demand, served by the node adapter's standalone server
// (HOST and PORT from the environment). SESSION_SECRET is read when the server runs, never built in.
import node from '@astrojs/node'
import { defineConfig, envField } from 'astro/config'

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  security: { allowedDomains: [{ hostname: '127.0.0.1' }] }, // demo checks
  env: {
    schema: {
      SESSION_SECRET: envField.string({ context: 'server', access: 'secret' }),
      SESSION_COOKIE: envField.string({ context: 'server', access: 'secret', optional: true }), // demo checks
      SESSION_MAX_AGE: envField.number({ context: 'server', access: 'secret', optional: true }), // demo checks
    },
  },
})
