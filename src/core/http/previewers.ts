// Link unfurlers, mail scanners and crawlers that fetch a URL to show or
// check it, never to download it for a person. Matched case-insensitively.
// Erring towards matching is cheap: a match asking GET /d/ gets the landing
// page, whose button (a POST) still downloads, so a person whose in-app
// browser matches loses one click, while a missed scanner burns a download.
const PREVIEWER_AGENTS = new RegExp(
  [
    // chat and social unfurlers (iMessage sends facebookexternalhit + Twitterbot; Signal sends WhatsApp)
    'slackbot',
    'slack-imgproxy',
    'facebookexternalhit',
    'facebot',
    'meta-externalagent',
    'twitterbot',
    'linkedinbot',
    'whatsapp',
    'telegrambot',
    'discordbot',
    'skypeuripreview',
    'teams',
    'microsoftpreview',
    'microsoft preview',
    'viber',
    'line-poker',
    'kakaotalk-scrap',
    'snapchat',
    'redditbot',
    'pinterest',
    'vkshare',
    'tumblr',
    'mastodon',
    'pleroma',
    'misskey',
    'cardyb',
    'bluesky',
    'matrix-org',
    'zulip',
    'mattermost',
    'rocket.chat',
    'keybase',
    'embedly',
    'iframely',
    'bitlybot',
    'nuzzel',
    'flipboard',
    'quora link preview',
    'outbrain',
    // mail services and security gateways that open links to check them
    'googleimageproxy',
    'google-safety',
    'yahoomailproxy',
    'outlook',
    'ms-office',
    'microsoft office',
    'mimecast',
    'proofpoint',
    'barracuda',
    'forcepoint',
    'trendmicro',
    'trend micro',
    'symantec',
    'sophos',
    'fortiguard',
    'paloalto',
    'zscaler',
    'cisco',
    'ironport',
    'safelinks',
    // search and archive crawlers
    'googlebot',
    'google-inspectiontool',
    'googleother',
    'adsbot-google',
    'google-pagerenderer',
    'bingbot',
    'bingpreview',
    'applebot',
    'yahoo! slurp',
    'duckduckbot',
    'yandex',
    'baiduspider',
    'petalbot',
    'semrushbot',
    'ahrefsbot',
    'ia_archiver',
    'archive.org_bot',
  ]
    .map((name) => name.replace(/[.!]/g, '\\$&'))
    .join('|'),
  'i',
)

/** True for a user agent that previews links rather than downloading for a person. */
export function isPreviewer(userAgent: string | null | undefined): boolean {
  return !!userAgent && PREVIEWER_AGENTS.test(userAgent)
}

/** True for a request the browser marks as speculative: a prefetch, prerender or preview. */
export function isPrefetch(headers: { get(name: string): string | null }): boolean {
  const purpose = ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'].map((name) => headers.get(name) ?? '').join(' ')
  return /\b(prefetch|prerender|preview)\b/i.test(purpose)
}
