// The /ui page: runs (live through the /events stream) and a run's trace as a waterfall with
// tokens, latency and cost per step and model call. One self-contained page: no CDN, no build step.
// Everything from the API is inserted with textContent (never innerHTML).
export const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weft runs</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg:#0f1115; --panel:#171a21; --line:#262b36; --text:#e6e8ee; --dim:#8b93a7; --ok:#3fb950; --err:#f85149; --run:#d29922; --cancel:#8b949e; --bar:#4c8dff; --call:#a371f7; }
  * { box-sizing: border-box; }
  body { margin:0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; gap:12px; padding:10px 16px; border-bottom:1px solid var(--line); }
  header h1 { font-size:15px; margin:0; }
  header .live { font-size:12px; color:var(--dim); }
  header .live.on::before { content:"●"; color:var(--ok); margin-right:4px; }
  header input { margin-left:auto; background:var(--panel); border:1px solid var(--line); color:var(--text); padding:4px 8px; border-radius:4px; width:260px; }
  main { display:grid; grid-template-columns: 380px 1fr; height: calc(100vh - 45px); }
  #runs { border-right:1px solid var(--line); overflow:auto; }
  #runs table { width:100%; border-collapse:collapse; }
  #runs td, #runs th { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; white-space:nowrap; }
  #runs th { color:var(--dim); font-weight:500; position:sticky; top:0; background:var(--bg); }
  #runs tr.run { cursor:pointer; }
  #runs tr.run:hover, #runs tr.run.selected { background:var(--panel); }
  .status { font-weight:600; }
  .status.succeeded { color:var(--ok); } .status.failed { color:var(--err); } .status.running { color:var(--run); } .status.cancelled { color:var(--cancel); } .status.damaged { color:var(--err); font-weight:bold; }
  #detail { overflow:auto; padding:16px; }
  #detail h2 { margin:0 0 4px; font-size:15px; }
  .meta { color:var(--dim); margin-bottom:12px; }
  .cards { display:flex; gap:10px; margin-bottom:14px; flex-wrap:wrap; }
  .card { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width:110px; }
  .card b { display:block; font-size:16px; }
  .card span { color:var(--dim); font-size:11px; text-transform:uppercase; letter-spacing:.04em; }
  .wf { width:100%; border-collapse:collapse; }
  .wf td, .wf th { padding:4px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
  .wf th { color:var(--dim); font-weight:500; text-align:left; }
  .wf td.num, .wf th.num { text-align:right; font-variant-numeric: tabular-nums; }
  .wf td.track { width:45%; position:relative; }
  .bar { position:absolute; top:6px; height:12px; border-radius:3px; background:var(--bar); min-width:2px; }
  .bar.model_call { background:var(--call); } .bar.run { background:#30363d; } .bar.error { background:var(--err); }
  pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px; overflow:auto; max-height:240px; }
  .empty { color:var(--dim); padding:24px; }
  .err { color:var(--err); }
</style>
</head>
<body>
<header>
  <h1>Weft runs</h1><span id="live" class="live">connecting…</span>
  <input id="key" type="password" placeholder="API key (only if the server asks for one)" autocomplete="off">
</header>
<main>
  <section id="runs"><table><thead><tr><th>Status</th><th>Workflow</th><th>Started</th><th class="num">Time</th></tr></thead><tbody id="runrows"></tbody></table></section>
  <section id="detail"><div class="empty">Select a run.</div></section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const keyInput = $('key');
  keyInput.value = sessionStorage.getItem('weft.key') || '';
  keyInput.addEventListener('change', () => { sessionStorage.setItem('weft.key', keyInput.value); refresh(); connect(); });
  const headers = () => keyInput.value ? { authorization: 'Bearer ' + keyInput.value } : {};
  const api = async (path) => {
    const res = await fetch(path, { headers: headers() });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + res.status));
    return body;
  };
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') node.className = v; else if (k === 'style') Object.assign(node.style, v); else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
    return node;
  };
  const ms = (v) => v === undefined || v === null ? '—' : v < 1000 ? Math.round(v) + ' ms' : (v / 1000).toFixed(2) + ' s';
  const usd = (v) => v ? '$' + (v < 0.01 ? v.toFixed(6) : v.toFixed(4)) : '—';
  const num = (v) => v === undefined || v === null || v === '' ? '—' : Number(v).toLocaleString();
  let selected = (location.hash.match(/run=([^&]+)/) || [])[1];
  selected = selected ? decodeURIComponent(selected) : undefined;

  async function refresh() {
    try {
      const { runs } = await api('/runs?limit=100');
      const rows = $('runrows');
      rows.replaceChildren(...runs.map((r) => {
        const tr = el('tr', { class: 'run' + (r.runId === selected ? ' selected' : '') },
          el('td', { class: 'status ' + r.status }, r.status),
          el('td', {}, r.workflow),
          el('td', {}, new Date(r.timings.startedAt).toLocaleTimeString()),
          el('td', { class: 'num' }, ms(r.timings.durationMs)));
        tr.dataset.runId = r.runId;
        tr.addEventListener('click', () => select(r.runId));
        return tr;
      }));
      if (!runs.length) rows.replaceChildren(el('tr', {}, el('td', { colspan: '4', class: 'empty' }, 'No runs yet.')));
      if (!selected && runs[0]) select(runs[0].runId);
    } catch (e) { $('runrows').replaceChildren(el('tr', {}, el('td', { colspan: '4', class: 'err' }, e.message))); }
  }

  function depthOf(span, byId) {
    let d = 0, p = span.parentSpanId;
    while (p && byId.has(p) && d < 20) { d++; p = byId.get(p).parentSpanId; }
    return d;
  }

  async function select(runId) {
    selected = runId;
    history.replaceState(null, '', '#run=' + encodeURIComponent(runId));
    for (const tr of document.querySelectorAll('tr.run')) tr.classList.toggle('selected', tr.dataset.runId === runId);
    let run;
    try { run = await api('/runs/' + encodeURIComponent(runId)); }
    catch (e) { $('detail').replaceChildren(el('div', { class: 'err' }, e.message)); return; }
    const t0 = Date.parse(run.timings.startedAt);
    const spans = (run.trace || []).slice();
    const end = Math.max(t0 + 1, ...spans.map((s) => Date.parse(s.endedAt || s.startedAt)), run.timings.endedAt ? Date.parse(run.timings.endedAt) : t0 + 1);
    const total = end - t0;
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    // a step shows the sum of its model calls (and nested steps' calls)
    const totals = new Map();
    for (const s of spans) {
      if (s.kind !== 'model_call') continue;
      const a = s.attributes || {};
      let p = s.parentSpanId, guard = 0;
      while (p && byId.has(p) && guard++ < 20) {
        const parent = byId.get(p);
        if (parent.kind === 'run') break;
        const t = totals.get(p) || { in: 0, out: 0, cost: 0 };
        t.in += Number(a['gen_ai.usage.input_tokens'] || 0); t.out += Number(a['gen_ai.usage.output_tokens'] || 0); t.cost += Number(a['weft.cost_usd'] || 0);
        totals.set(p, t);
        p = parent.parentSpanId;
      }
    }
    const rows = spans.map((s) => {
      const a = s.attributes || {};
      const start = Date.parse(s.startedAt) - t0;
      const dur = (Date.parse(s.endedAt || s.startedAt) - Date.parse(s.startedAt));
      const bar = el('div', { class: 'bar ' + s.kind + (s.status === 'error' ? ' error' : ''), title: s.name + ' · ' + ms(dur) });
      bar.style.left = (100 * start / total) + '%';
      bar.style.width = Math.max(0.3, 100 * dur / total) + '%';
      const name = el('td', {}, s.kind === 'model_call' ? (a['gen_ai.request.model'] || s.name) : s.name.replace(/^step:/, ''));
      name.style.paddingLeft = (8 + 16 * depthOf(s, byId)) + 'px';
      return el('tr', { class: 'span ' + s.kind },
        name,
        el('td', {}, s.kind.replace('_', ' ')),
        el('td', { class: 'num' }, ms(dur)),
        el('td', { class: 'num' }, num(a['gen_ai.usage.input_tokens'] ?? totals.get(s.spanId)?.in)),
        el('td', { class: 'num' }, num(a['gen_ai.usage.output_tokens'] ?? totals.get(s.spanId)?.out)),
        el('td', { class: 'num' }, usd(a['weft.cost_usd'] ?? totals.get(s.spanId)?.cost)),
        el('td', { class: 'track' }, bar));
    });
    const u = run.usage || {};
    $('detail').replaceChildren(
      el('h2', {}, run.workflow + ' ', el('span', { class: 'status ' + run.status }, run.status)),
      el('div', { class: 'meta' }, run.runId + ' · started ' + new Date(run.timings.startedAt).toLocaleString() + (run.instance ? ' · on ' + run.instance : '')),
      el('div', { class: 'cards' },
        el('div', { class: 'card' }, el('span', {}, 'Latency'), el('b', {}, ms(run.timings.durationMs))),
        el('div', { class: 'card' }, el('span', {}, 'Input tokens'), el('b', {}, num(u.inputTokens))),
        el('div', { class: 'card' }, el('span', {}, 'Output tokens'), el('b', {}, num(u.outputTokens))),
        el('div', { class: 'card' }, el('span', {}, 'Cost'), el('b', {}, usd(u.costUsd)))),
      run.error ? el('pre', { class: 'err' }, run.error.code + ': ' + run.error.message + (run.error.step ? ' (step ' + run.error.step + ')' : '')) : '',
      el('table', { class: 'wf', id: 'waterfall' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Span'), el('th', {}, 'Kind'), el('th', { class: 'num' }, 'Latency'), el('th', { class: 'num' }, 'In'), el('th', { class: 'num' }, 'Out'), el('th', { class: 'num' }, 'Cost'), el('th', {}, 'Timeline (' + ms(total) + ')'))),
        el('tbody', {}, ...rows)),
      el('h3', {}, 'Outputs'), el('pre', {}, JSON.stringify(run.outputs ?? null, null, 2)),
      el('h3', {}, 'Inputs'), el('pre', {}, JSON.stringify(run.inputs ?? {}, null, 2)));
  }

  // Live: read /events (SSE) with fetch so the API key can be sent; reconnect with Last-Event-ID.
  let controller, lastId, timer;
  const schedule = () => { clearTimeout(timer); timer = setTimeout(() => { refresh(); if (selected) select(selected); }, 150); };
  async function connect() {
    if (controller) controller.abort();
    controller = new AbortController();
    const live = $('live');
    try {
      const res = await fetch('/events', { headers: { ...headers(), ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      live.textContent = 'live'; live.classList.add('on');
      const reader = res.body.getReader(); const dec = new TextDecoder(); let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\\n\\n')) >= 0) {
          const frame = buf.slice(0, i); buf = buf.slice(i + 2);
          const id = (frame.match(/^id: (.*)$/m) || [])[1];
          if (id) { lastId = id; schedule(); }
        }
      }
    } catch (e) { if (e.name === 'AbortError') return; }
    live.textContent = 'reconnecting…'; live.classList.remove('on');
    setTimeout(connect, 2000);
  }
  refresh(); connect();
  setInterval(refresh, 30000);
})();
</script>
</body>
</html>
`;
