// server.ts: Hattip's Node server. Run: SESSION_SECRET=… npx tsx server.ts
import { createServer } from '@hattip/adapter-node'
import { compose } from '@hattip/compose'
import { app } from './app'
import { addChecks } from './checks' // demo checks
import { session } from './session'

addChecks(app) // demo checks
createServer(compose(session, app.handlers)).listen(Number(process.env.PORT) || 3000, process.env.HOST)
