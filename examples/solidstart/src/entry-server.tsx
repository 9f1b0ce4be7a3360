// src/entry-server.tsx: `mode: 'async'` renders the whole page before the response starts, so a
// page whose data changes the session (the visit count) still sends the cookie.
import { createHandler, StartServer } from '@solidjs/start/server'

export default createHandler(
  () => (
    <StartServer
      document={({ assets, children, scripts }) => (
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>sealed-session demo</title>
            {assets}
          </head>
          <body>
            <div id="app">{children}</div>
            {scripts}
          </body>
        </html>
      )}
    />
  ),
  { mode: 'async' },
)
