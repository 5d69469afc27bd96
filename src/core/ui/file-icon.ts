import type { FileKind } from './file-kind'

/*
 * The file-type icon, as SVG markup: a page with a folded corner, tinted by
 * the kind of file, with its extension. One source for the server's pages
 * and the app's browser code. Its colours come from the pages' stylesheet
 * (`.ficon` and one class per category), so that dark mode changes them.
 */

const LINES = '<path d="M10 22h18M10 28h18M10 34h12" stroke-width="2.2" stroke-linecap="round"/>'

/** The icon of `kind`, or a plain page with no extension and a neutral tint when `kind` is null. */
export function fileIconSvg(kind: FileKind | null, size = 40): string {
  const category = kind?.category ?? 'file'
  // The extension is at most four capitals or digits (fileKind), so nothing in it needs escaping.
  const label = kind?.extension
    ? `<text x="19" y="36.5" text-anchor="middle" font-size="${kind.extension.length > 3 ? 8 : 9.5}" font-weight="700" letter-spacing=".2" stroke="none" fill="currentColor">${kind.extension}</text>`
    : LINES
  return `<svg class="ficon ${category}" viewBox="0 0 38 46" width="${size}" height="${Math.round((size * 46) / 38)}" aria-hidden="true" focusable="false" fill="none" stroke="currentColor"><path class="ficon-page" d="M5 1.5h19.5L36.5 13.5V41a3.5 3.5 0 0 1-3.5 3.5H5A3.5 3.5 0 0 1 1.5 41V5A3.5 3.5 0 0 1 5 1.5z" stroke-width="2" stroke-linejoin="round"/><path d="M24.5 1.5V10a3.5 3.5 0 0 0 3.5 3.5h8.5" stroke-width="2" stroke-linejoin="round"/>${label}</svg>`
}
