// src/start.ts: the middleware runs for every request.
import { createStart } from '@tanstack/react-start'
import { sessionMiddleware } from './session'

export const startInstance = createStart(() => ({ requestMiddleware: [sessionMiddleware] }))
