/** A self-contained API reference page rendered in the browser from /api/openapi.json (no CDN needed). */
export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bridgedesk API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem} .op{border:1px solid #d0d7de;border-radius:8px;margin:.6rem 0;padding:.2rem .9rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;text-transform:uppercase}
.get{color:#1a7f37}.post{color:#0969da}.patch{color:#9a6700}.delete{color:#cf222e}.put{color:#8250df}
code,pre{font:13px ui-monospace,monospace;background:#f6f8fa;border-radius:6px}pre{padding:.6rem;overflow:auto}
summary{cursor:pointer;padding:.4rem 0}.tag{margin-top:2rem;border-bottom:1px solid #d0d7de}
</style></head><body><h1>Bridgedesk API</h1><p id="intro"></p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1)</p><div id="ops">Loading…</div>
<script>
const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('intro').textContent=doc.info.description||'';
  const byTag={};
  for(const [p,item] of Object.entries(doc.paths)) for(const [m,op] of Object.entries(item)){
    const t=(op.tags&&op.tags[0])||'Other';(byTag[t]=byTag[t]||[]).push({p,m,op});}
  let html='';
  for(const [t,ops] of Object.entries(byTag)){html+='<h2 class="tag">'+esc(t)+'</h2>';
    for(const {p,m,op} of ops){
      const body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
      const params=(op.parameters||[]).map(x=>'<code>'+esc(x.name)+'</code> ('+esc(x.in)+')').join(', ');
      html+='<details class="op"><summary><span class="m '+m+'">'+m+'</span><code>/api/v1'.replace('/api/v1','')+esc(p)+'</code> — '+esc(op.summary||'')+'</summary>'
        +(params?'<p>Parameters: '+params+'</p>':'')
        +(body?'<p>Body:</p><pre>'+esc(JSON.stringify(body.schema,null,2))+'</pre>':'')
        +'<p>Replies: '+Object.keys(op.responses||{}).map(esc).join(', ')+'</p></details>';}}
  document.getElementById('ops').innerHTML=html;});
</script></body></html>`;
}
