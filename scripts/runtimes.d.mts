// Types for scripts/runtimes.mjs, for the TypeScript that imports it (bench/).
export declare const root: string
export declare const RUNTIMES: string
export declare function tool(name: string): string
export declare function nodeAt(major: number): string
export declare const requireFromRuntimes: NodeJS.Require
export declare function ensureRuntimes(): boolean
export declare function ensureInstalled(dir: string, what?: string): boolean
