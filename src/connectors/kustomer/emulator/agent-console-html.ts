/**
 * The agent console's page frame: escaping, times, the layout and its stylesheet. The console is the emulator's own
 * stand-in for Kustomer's agent app (not Kustomer's UI, nor a claim about it): plain server-rendered HTML, readable
 * on a laptop and a phone, no script.
 */

/** Escapes text for HTML content and quoted attribute values. */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A time as the visitor reads it: the emulator runs on their machine in the demo, so its local zone is theirs. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `<time datetime="${esc(d.toISOString())}">${esc(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(d))}</time>`;
}

/** `YYYY-MM-DDTHH:mm` in local time, as a datetime-local input shows and sends it. */
export function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const html = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** POST-redirect-GET: back to the page with what happened, so a reload never posts twice. */
export const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2330;background:#f4f4f8}
a{color:#4b3fc4}
header.top{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;padding:.6rem 1rem;background:#2b2464;color:#fff}
header.top a{color:#fff}
header.top .brand{font-weight:600}
header.top .brand small{font-weight:400;opacity:.75}
header.top form{margin-left:auto;display:flex;gap:.4rem;align-items:center}
header.top label{white-space:nowrap;font-size:.9rem}
header.top select{max-width:12rem}
main{max-width:1180px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .3rem;overflow-wrap:anywhere}
h2{font-size:1rem;margin:0 0 .6rem}
.muted{color:#5d6275}
code{font-size:.85em;overflow-wrap:anywhere}
.flash{padding:.55rem .8rem;border-radius:8px;margin:0 0 1rem;background:#e5f6ea;border:1px solid #9fd4ae}
.flash.error{background:#fdecec;border-color:#f0a9a9}
.layout{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr) 320px;grid-template-areas:"head head" "thread side"}
.jump{display:none;gap:1rem;margin:.6rem 0 0}
.layout>.head{grid-area:head}.layout>.thread{grid-area:thread}.layout>.side{grid-area:side}
@media (max-width:820px){.layout{grid-template-columns:minmax(0,1fr);grid-template-areas:"head" "side" "thread"}.jump{display:flex}}
.card{background:#fff;border:1px solid #dcdde6;border-radius:10px;padding:.9rem 1rem;margin-bottom:1rem}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.5rem 1rem;margin:.6rem 0 0}
.facts div{min-width:0}.facts dt{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:#5d6275}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.attrs{margin:0;display:grid;gap:.45rem}.attrs dt{font-size:.78rem;color:#5d6275}.attrs dd{margin:0;overflow-wrap:anywhere}
.status{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-weight:600;font-size:.85rem}
.status-open{background:#dff3e4;color:#17642f}.status-snoozed{background:#fff1cc;color:#7a5200}.status-done{background:#e4e6ee;color:#3a3f52}
.item{border:1px solid #dcdde6;border-radius:10px;padding:.55rem .8rem;margin:0 0 .6rem;background:#fff}
.item.note{background:#fff8dc;border-color:#ecd98f}
.item.in{border-left:4px solid #7a8cff}.item.out{border-left:4px solid #39a96b}
.item .by{font-size:.85rem;color:#5d6275}
.item .text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0 0}
.files{margin:.35rem 0 0;padding-left:1.1rem;font-size:.9rem}
form.stack{display:grid;gap:.5rem}
label{font-size:.85rem;color:#3a3f52;display:grid;gap:.2rem}
select,input,textarea,button{font:inherit}
select,input[type=datetime-local],textarea{width:100%;padding:.4rem .5rem;border:1px solid #b9bccb;border-radius:6px;background:#fff}
textarea{min-height:6rem;resize:vertical}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
.row>label{flex:1 1 12rem}
button{padding:.45rem .9rem;border-radius:6px;border:1px solid #4b3fc4;background:#4b3fc4;color:#fff;cursor:pointer;min-height:2.4rem}
button.secondary{background:#fff;color:#4b3fc4}
button:focus-visible,a:focus-visible,select:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f0b429;outline-offset:1px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dcdde6;border-radius:10px;overflow:hidden}
th,td{text-align:left;padding:.5rem .7rem;border-bottom:1px solid #ececf2;vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:#5d6275;background:#fafafe}
@media (max-width:640px){table.list thead{display:none}table.list tr{display:block;border-bottom:1px solid #dcdde6;padding:.4rem 0}
table.list td{display:block;border:0;padding:.15rem .7rem}table.list td[data-label]::before{content:attr(data-label) ": ";color:#5d6275;font-size:.85rem}}
`;

/** The page: the top bar (home link, who the visitor acts as) and the content. */
export function layout(opts: { title: string; body: string; actingAs?: { path: string; current: string | null; users: { id: string; name: string }[] } }) {
  const acting = opts.actingAs
    ? `<form method="get" action="${esc(opts.actingAs.path)}"><label for="as" style="color:#fff">Acting as</label>
<select id="as" name="as">${opts.actingAs.users.map((u) => `<option value="${esc(u.id)}"${u.id === opts.actingAs!.current ? ' selected' : ''}>${esc(u.name)}</option>`).join('')}</select>
<button type="submit" class="secondary">Switch</button></form>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(opts.title)} · Kustomer (emulator)</title><style>${STYLE}</style></head><body>
<header class="top"><span class="brand">Kustomer <small>emulator · agent console</small></span><a href="/app/conversations">All conversations</a>${acting}</header>
<main>${opts.body}</main></body></html>`;
}

/** The message a redirect carried back (`done` or `error`), shown once at the top of the page. */
export function flash(url: URL): string {
  const error = url.searchParams.get('error');
  const done = url.searchParams.get('done');
  if (error) return `<p class="flash error" role="alert">${esc(error)}</p>`;
  if (done) return `<p class="flash" role="status">${esc(done)}</p>`;
  return '';
}
