import { index, type RouteConfig, route } from '@react-router/dev/routes'

export default [
  index('routes/home.tsx'),
  route('login', 'routes/login.ts'),
  route('logout', 'routes/logout.ts'),
  route('session', 'routes/session.ts'),
  route('grow', 'routes/grow.ts'),
] satisfies RouteConfig
