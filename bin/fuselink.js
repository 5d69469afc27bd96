#!/usr/bin/env node
// The `fuselink` command (docs/cli.md). It runs the TypeScript sources
// through tsx, as `npm start` does: a checkout has no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
