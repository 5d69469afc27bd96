/** Puts `text` on the clipboard; false when the browser refused. */
export async function copyText(text: string | Promise<string>): Promise<boolean> {
  try {
    // A ClipboardItem can wait for text still being fetched without losing the click that asked for it.
    if (typeof text !== 'string' && typeof ClipboardItem !== 'undefined') {
      const blob = text.then((value) => new Blob([value], { type: 'text/plain' }))
      await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })])
      return true
    }
    await navigator.clipboard.writeText(await text)
    return true
  } catch {
    return false
  }
}
