// The demo on Node (18.16+): `npm start`, then open http://localhost:8787
// Environment: SESSION_SECRET, SESSION_MAX_AGE, SESSION_COOKIE (see ../app.ts), PORT, HOST.
import { serve } from '@hono/node-server'
import { configFromEnv, createApp } from '../app.ts'

const app = createApp(configFromEnv((name) => process.env[name]))
const port = Number(process.env.PORT ?? 8787)

serve({ fetch: app, port, hostname: process.env.HOST ?? 'localhost' }, (info) => {
  console.log(`sealed-session demo on http://localhost:${info.port}`)
})
