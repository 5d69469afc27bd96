import { ASSETS } from './bundle.generated'

/** The address of a bundled asset by its source name (app.js for src/web/app.ts). */
export function assetPath(name: string): string {
  const asset = ASSETS[name]
  if (!asset) throw new Error(`no asset ${name}: is it in src/web/, and was \`npm run assets\` run?`)
  return `/assets/${asset.file}`
}
