/**
 * The one script of the pages: shows an expiry in the viewer's own time zone
 * next to the UTC time the server wrote. Inline, so no request leaves the
 * page; allowed by its hash in the Content-Security-Policy (layout.ts), which
 * a test recomputes from the served page.
 */
export const LOCAL_TIME_SCRIPT =
  "for(const t of document.querySelectorAll('time[data-local]')){const o=document.getElementById(t.dataset.local),d=new Date(t.dateTime);if(o&&!isNaN(d)){o.textContent='Your time: '+d.toLocaleString(undefined,{year:'numeric',month:'short',day:'numeric',hour:'2-digit',minute:'2-digit',timeZoneName:'short'});o.hidden=false}}"

/** base64 of the SHA-256 of LOCAL_TIME_SCRIPT, as CSP `script-src` wants it. */
export const LOCAL_TIME_SCRIPT_HASH = 'sha256-dBYCF/jlVsVAH55E8HEn/5xaERmKUM5zOeKk9R1FJw4='
