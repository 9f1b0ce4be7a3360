// The demo as Nuxt 4 server routes (server/routes/), with the session from sealed-session/h3 in
// server/middleware/session.ts. Nuxt 4 runs h3 1.15 through Nitro 2.
export default defineNuxtConfig({
  compatibilityDate: '2026-01-01',
  telemetry: false,
  devtools: { enabled: false },
})
