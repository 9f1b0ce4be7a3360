// Just enough of Deno's and Bun's globals to type-check their example entries without those
// runtimes' type packages. The entries themselves run on the real runtimes in test/examples.mjs.

declare namespace Deno {
  const env: { get(name: string): string | undefined }
  function serve(
    options: {
      port?: number
      hostname?: string
      onListen?: (address: { hostname: string; port: number }) => void
    },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> }
  function openKv(path?: string): Promise<import('sealed-session/revocation').DenoKvLike>
}

declare const Bun: {
  serve(options: {
    port?: number
    hostname?: string
    fetch: (request: Request, server: unknown) => Response | Promise<Response>
  }): { port: number; hostname: string; stop(): void }
}
