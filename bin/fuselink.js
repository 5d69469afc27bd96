#!/usr/bin/env node
// The `fuselink` command (docs/cli.md). It runs the TypeScript sources
// through tsx, with no build step (unlike `npm start`, which runs a compiled
// bundle of the server).
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
