// app/layout.tsx: Next's own skeleton.
import type { ReactNode } from 'react'

export const metadata = { title: 'sealed-session demo' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
}
