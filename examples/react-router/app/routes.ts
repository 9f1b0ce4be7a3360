// app/routes.ts
import { index, type RouteConfig, route } from '@react-router/dev/routes'

export default [
  index('routes/home.tsx'),
  route('login', 'routes/login.ts'),
  route('logout', 'routes/logout.ts'),
  route('session', 'routes/session.ts'), // demo checks
  route('grow', 'routes/grow.ts'), // demo checks
] satisfies RouteConfig
