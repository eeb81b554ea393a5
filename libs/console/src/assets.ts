import { createHash } from 'node:crypto';

/**
 * The console's only asset, served by the app under a content-hashed name (cached for a year, changed
 * name on every change); no CDN, no inline style or script, so the CSP can forbid both.
 */
const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--accent:#0a5bd3;--danger:#b42318;--warn:#8a5300;--ok:#1a7f37}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);background:#fff}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0b400;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
header.top{background:#0d2b52;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header.top a{color:#fff}
header.top .brand{font-weight:700;text-decoration:none;margin-right:auto}
header.top form{display:inline;margin:0}
header.top button,header.top select{font-size:14px}
nav.main{background:#e7eef8;padding:0 16px;overflow-x:auto;white-space:nowrap}
nav.main a{display:inline-block;padding:10px 12px;text-decoration:none;color:#0d2b52}
nav.main a[aria-current=page]{font-weight:700;border-bottom:3px solid #0d2b52}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.muted{color:var(--muted)}
.flash{background:#e6f4ea;border:1px solid #b7dfc0;padding:8px 12px;border-radius:6px}
.alert{background:#fdecea;border:1px solid #f3b8b2;padding:8px 12px;border-radius:6px;color:var(--danger)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:0;padding:0;list-style:none}
.cards li{border:1px solid var(--line);border-radius:8px;padding:12px;background:var(--bg)}
.cards .n{display:block;font-size:2rem;font-weight:700;line-height:1.2}
.cards a{text-decoration:none;color:inherit}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:15px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);white-space:nowrap}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:13px;border:1px solid currentColor;white-space:nowrap}
.tag.danger{color:var(--danger)}.tag.warn{color:var(--warn)}.tag.ok{color:var(--ok)}
form.stack{max-width:640px}
form.stack .field{margin:0 0 14px}
label{display:block;font-weight:600;margin-bottom:2px}
.hint{display:block;color:var(--muted);font-size:14px}
.error{display:block;color:var(--danger);font-size:14px;font-weight:600}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=search],select,textarea{width:100%;max-width:640px;font:inherit;padding:6px 8px;border:1px solid #8c959f;border-radius:6px;background:#fff}
input[aria-invalid=true],textarea[aria-invalid=true],select[aria-invalid=true]{border-color:var(--danger);border-width:2px}
textarea{min-height:5em}
button,.button{display:inline-block;font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #0a4fb8;background:var(--accent);color:#fff;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#0a4fb8}
button.link{background:none;border:none;color:inherit;text-decoration:underline;padding:0;cursor:pointer}
.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin-bottom:12px}
.filters .field{min-width:150px;flex:1 1 150px}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.actions form{border:1px solid var(--line);border-radius:8px;padding:12px;flex:1 1 260px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.timeline li{padding:4px 0 8px 12px}
.pager{display:flex;gap:12px;align-items:center;margin:12px 0;flex-wrap:wrap}
.narrow{max-width:420px;margin:32px auto}
ul.plain{list-style:none;margin:0;padding:0}
.row-actions{white-space:nowrap}.row-actions form{display:inline;margin:0 0 0 12px}
td.wrap{overflow-wrap:anywhere;min-width:8em}
.score strong,.score-cell{font-size:1.25rem;font-weight:700}
caption{text-align:left;font-weight:600;padding:4px 0}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
nav.tabs{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0 0 12px;border-bottom:1px solid var(--line)}
nav.tabs a{padding:6px 0;text-decoration:none}
nav.tabs a[aria-current=page]{font-weight:700;border-bottom:3px solid var(--accent)}
ol.events{list-style:none;padding:0;margin:0}
ol.events>li{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 12px}
.event-title{font-size:1rem;margin:0}
ol.events table{table-layout:fixed}
ol.events th[scope=row]{background:none;white-space:normal;font-weight:600;overflow-wrap:anywhere}
td.was,td.now,td.answer,pre.mail{overflow-wrap:anywhere;word-break:break-word}
td.was{color:var(--muted)}
pre.mail{white-space:pre-wrap;font:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:12px}
/* exports, calendar feeds and settings (console-settings) */
.issued{background:#fff8e1;border:1px solid #e0c060;border-radius:8px;padding:12px;margin:12px 0}
input.secret{width:100%;font:14px/1.4 ui-monospace,Menlo,Consolas,monospace;padding:6px 8px;border:1px solid #8c959f;border-radius:6px;background:#fff}
.row-actions{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.row-actions form{margin:0;display:flex;gap:6px;align-items:center}
.row-actions select{width:auto}
.pair{display:flex;flex-wrap:wrap;gap:0 16px}
.pair .field{flex:1 1 200px}
fieldset{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 14px}
legend{font-weight:600;padding:0 4px}
fieldset.formats{display:flex;flex-wrap:wrap;gap:8px}
fieldset.roles{border:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:2px 10px}
label.check{display:inline-flex;gap:4px;align-items:center;font-weight:400;white-space:nowrap}
table.ladder input.code{width:8em}
table.ladder input.num{width:5em}
table.ladder input{font:inherit;padding:4px 6px;border:1px solid #8c959f;border-radius:6px}
table.ladder input[aria-invalid=true]{border-color:var(--danger);border-width:2px}
table.ladder th .hint{font-weight:400;white-space:normal}
button.danger{color:var(--danger);border-color:var(--danger)}
.cards.settings li{display:flex;flex-direction:column;gap:4px}
.inline-inputs{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
table.overrides input.num{width:5em;font:inherit;padding:4px 6px;border:1px solid #8c959f;border-radius:6px}
table.overrides select{width:auto}
table.overrides input[aria-invalid=true]{border-color:var(--danger);border-width:2px}
@media (max-width:600px){
  main{padding:12px}
  dl.facts{grid-template-columns:1fr}
  dl.facts dd{margin-bottom:6px}
  th,td{padding:4px 6px;font-size:14px}
  .table-wrap table{min-width:560px}
  td:first-child{min-width:7em}
  .table-wrap table.stack-sm{min-width:0}
  table.stack-sm,table.stack-sm tbody,table.stack-sm tr,table.stack-sm td{display:block}
  table.stack-sm thead{position:absolute;left:-9999px}
  table.stack-sm caption{display:block}
  table.stack-sm tr{border-bottom:1px solid var(--line);padding:6px 0}
  table.stack-sm td{border:none;padding:2px 6px;min-width:0}
  table.stack-sm td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
  .table-wrap table.ladder,.table-wrap table.stacked{min-width:0}
  table.stacked thead{position:absolute;left:-999px}
  table.stacked tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
  table.stacked td{display:block;border:none;padding:2px 0;min-width:0}
  table.stacked td[data-label]::before{content:attr(data-label);display:block;font-size:13px;font-weight:600;color:var(--muted)}
  table.ladder thead{position:absolute;left:-999px}
  table.ladder tr{display:grid;grid-template-columns:1fr 1fr;gap:4px 12px;border-bottom:1px solid var(--line);padding:8px 0}
  table.ladder th,table.ladder td{display:block;border:none;padding:0;min-width:0}
  table.ladder th[scope=row]{grid-column:1/-1}
  table.ladder td:nth-child(4){grid-column:1/-1}
  table.ladder label.skip{position:static;font-size:14px}
  table.ladder input.code,table.ladder input.num{width:100%}
}
`;

function hashed(name: string, ext: string, body: string) {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `${name}.${hash}.${ext}`, body };
}

export const STYLESHEET = hashed('console', 'css', CSS.trim());
