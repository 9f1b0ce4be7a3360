// server.ts: Hattip's Node server (@hattip/adapter-node). Run: SESSION_SECRET=… npx tsx server.ts
import { createServer } from '@hattip/adapter-node'
import { compose } from '@hattip/compose'
import { app } from './app'
import { checks } from './checks' // demo checks
import { session } from './session'

const handler = compose(session, checks.handlers, app.handlers) // demo checks
createServer(handler).listen(Number(process.env.PORT) || 3000, process.env.HOST || 'localhost')
