// The demo on Bun: `npm run start:bun` (or `bun examples/bun/server.ts`), then open http://localhost:8787
// Environment: SESSION_SECRET, SESSION_MAX_AGE, SESSION_COOKIE (see ../app.ts), PORT, HOST.
// Bun reads tsconfig.json's `paths`, so `sealed-session` resolves to src/.
import { configFromEnv, createApp } from '../app.ts'

const server = Bun.serve({
  port: Number(process.env.PORT ?? 8787),
  hostname: process.env.HOST ?? 'localhost',
  fetch: createApp(configFromEnv((name) => process.env[name])),
})
console.log(`sealed-session demo on http://localhost:${server.port}`)
