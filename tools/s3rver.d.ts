declare module 's3rver' {
  interface S3rverOptions {
    address?: string
    port?: number
    silent?: boolean
    directory: string
    configureBuckets?: { name: string; configs: unknown[] }[]
  }
  export default class S3rver {
    constructor(options: S3rverOptions)
    run(): Promise<{ address: string; port: number }>
    close(): Promise<void>
    /** Koa's middleware list (S3rver is a Koa application). */
    middleware: ((ctx: never, next: () => Promise<unknown>) => unknown)[]
  }
}
