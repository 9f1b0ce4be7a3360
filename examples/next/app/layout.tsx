import type { ReactNode } from 'react'

export const metadata = { title: 'sealed-session demo' }

const style = 'body{font:16px system-ui;max-width:40rem;margin:2rem auto}pre{background:#f4f4f4;padding:1rem}'

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <style>{style}</style>
      </head>
      <body>{children}</body>
    </html>
  )
}
