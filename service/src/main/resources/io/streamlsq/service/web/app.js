// The fit service's page: plain JS, no libraries. The bearer token is kept in sessionStorage (this tab only) and
// sent with every API call; events are read with fetch (EventSource cannot send an Authorization header).
'use strict';

const state = { selected: null, stream: null, costs: [], plotsShown: null };

function token() { return sessionStorage.getItem('lsq.token') || ''; }

async function api(path, options = {}) {
  const headers = Object.assign({ 'Authorization': 'Bearer ' + token() }, options.headers || {});
  const r = await fetch(path, Object.assign({}, options, { headers }));
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { msg = r.status + ': ' + (await r.json()).error; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function fmt(v, digits = 6) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}

function human(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e4) return (n / 1e3).toFixed(0) + 'k';
  return String(Math.round(n));
}

function clock(s) {
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
  return h + ':' + String(m).padStart(2, '0') + ':' + String(sec).padStart(2, '0');
}

// ---- token ----
function showTokenState() {
  document.getElementById('token-state').textContent = token() ? 'token set for this tab' : 'no token: paste it to start';
}

document.getElementById('token-form').addEventListener('submit', ev => {
  ev.preventDefault();
  sessionStorage.setItem('lsq.token', document.getElementById('token').value.trim());
  document.getElementById('token').value = '';
  showTokenState();
  refreshList();
});

// ---- submit ----
function parsePairs(text) {
  const out = {};
  for (const item of text.split(',')) {
    const [k, v] = item.split('=');
    if (!k || v === undefined || isNaN(Number(v))) throw new Error('p0: "' + item.trim() + '" is not name=number');
    out[k.trim()] = Number(v);
  }
  return out;
}

document.getElementById('submit-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const err = document.getElementById('submit-error');
  err.textContent = '';
  try {
    const extra = document.getElementById('f-extra').value.trim();
    const body = extra ? JSON.parse(extra) : {};
    body.data = document.getElementById('f-data').value.trim();
    body.model = document.getElementById('f-model').value.trim();
    body.p0 = parsePairs(document.getElementById('f-p0').value);
    const r = await api('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
    const { id } = await r.json();
    await refreshList();
    select(id);
  } catch (e) {
    err.textContent = e.message;
  }
});

// ---- list ----
async function refreshList() {
  const err = document.getElementById('list-error');
  if (!token()) return;
  try {
    const { jobs } = await (await api('/api/jobs')).json();
    err.textContent = '';
    const body = document.querySelector('#jobs tbody');
    body.replaceChildren();
    for (const j of jobs) {
      const tr = el('tr');
      tr.dataset.id = j.id;
      if (j.id === state.selected) tr.classList.add('selected');
      tr.append(el('td', j.id), statusCell(j.status), el('td', j.model), el('td', j.data),
        el('td', j.progress === null ? '' : Math.round(100 * j.progress) + ' %', 'num'));
      tr.addEventListener('click', () => select(j.id));
      body.append(tr);
    }
  } catch (e) {
    err.textContent = e.message;
  }
}

function statusCell(s) {
  const td = el('td');
  td.append(el('span', s, 'status ' + s));
  return td;
}

// ---- one job ----
async function select(id) {
  if (state.stream) state.stream.abort();
  state.selected = id;
  state.costs = [];
  state.plotsShown = null;
  document.querySelectorAll('#jobs tbody tr').forEach(tr => tr.classList.toggle('selected', tr.dataset.id === id));
  document.getElementById('detail').hidden = false;
  document.getElementById('d-id').textContent = id;
  document.getElementById('d-result').hidden = true;
  const job = await (await api('/api/jobs/' + id)).json();
  state.costs = (job.iterations || []).filter(i => i.accepted && i.cost !== null);
  show(job);
  if (job.status === 'queued' || job.status === 'running') follow(id);
}

function show(job) {
  const st = document.getElementById('d-status');
  st.textContent = job.status;
  st.className = 'status ' + job.status;
  document.getElementById('d-message').textContent = job.message || '';
  const live = job.status === 'queued' || job.status === 'running';
  document.getElementById('d-cancel').hidden = !live;
  const bar = document.getElementById('d-bar');
  const p = job.progress === null || job.progress === undefined ? 0 : job.progress;
  bar.style.width = (100 * p).toFixed(1) + '%';
  bar.classList.toggle('done', !live && job.status !== 'cancelled');
  const text = document.getElementById('d-progress-text');
  if (job.status === 'queued') {
    text.textContent = 'queued';
  } else if (live) {
    let t = (job.phase || '') + ' pass ' + (job.pass || 0) + ': ' + Math.round(100 * p) + ' %';
    if (job.rows_total > 0) t += ' of ' + human(job.rows_total) + ' rows';
    if (job.rows_per_second) t += ', ' + human(job.rows_per_second) + ' rows/s';
    if (job.eta_seconds !== null && job.eta_seconds !== undefined) t += ', ETA ' + clock(job.eta_seconds);
    if (job.global_trials !== undefined) t += ' (global search: ' + job.global_trials + '/' + job.global_budget + ' trials)';
    text.textContent = t;
  } else {
    text.textContent = job.status + (job.passes ? ' after ' + job.passes + ' passes' : '');
  }
  drawCosts();
  if (!live && job.has_result) showResult(job);
}

document.getElementById('d-cancel').addEventListener('click', async () => {
  try { await api('/api/jobs/' + state.selected, { method: 'DELETE' }); } catch (e) {
    document.getElementById('d-message').textContent = e.message;
  }
});

// Server-sent events read through fetch, so that the token goes in a header (never in the URL).
async function follow(id) {
  const ctl = new AbortController();
  state.stream = ctl;
  try {
    const r = await api('/api/jobs/' + id + '/events', { headers: { 'Accept': 'text/event-stream' }, signal: ctl.signal });
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
        if (data && state.selected === id) onEvent(JSON.parse(data));
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') document.getElementById('d-message').textContent = 'events: ' + e.message;
  }
  if (state.selected === id) {
    const job = await (await api('/api/jobs/' + id)).json(); // the final state, with the iterations
    state.costs = (job.iterations || []).filter(i => i.accepted && i.cost !== null);
    show(job);
    refreshList();
  }
}

let lastShown = 0;
function onEvent(e) {
  if (e.type === 'iteration') {
    if (e.iteration.accepted && e.iteration.cost !== null) state.costs.push(e.iteration);
  }
  if (e.type === 'status') {
    show(e);
    refreshList();
    return;
  }
  const now = Date.now();
  if (now - lastShown > 100) {
    lastShown = now;
    show(Object.assign({ status: 'running' }, e));
  }
}

function drawCosts() {
  const c = document.getElementById('d-cost');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const pts = state.costs.filter(i => i.cost > 0);
  document.getElementById('d-cost-text').textContent = pts.length
    ? pts.length + ' accepted iterations; last cost ' + fmt(pts[pts.length - 1].cost) + ' (log scale)' : 'no iteration yet';
  if (pts.length < 1) return;
  const ys = pts.map(p => Math.log10(p.cost));
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
  const L = 60, R = 10, T = 10, B = 24, W = c.width - L - R, H = c.height - T - B;
  g.strokeStyle = '#bbb';
  g.strokeRect(L, T, W, H);
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.fillText('1e' + hi.toFixed(1), 4, T + 10);
  g.fillText('1e' + lo.toFixed(1), 4, T + H);
  g.fillText('iteration', L + W / 2 - 20, c.height - 6);
  const colors = { warmup: '#e08a00', gauss_newton: '#1f77b4' };
  g.lineWidth = 2;
  let prev = null;
  pts.forEach((p, k) => {
    const x = L + (pts.length === 1 ? W / 2 : W * k / (pts.length - 1));
    const y = T + H * (hi - ys[k]) / (hi - lo);
    g.strokeStyle = colors[p.phase] || '#2ca02c';
    g.fillStyle = g.strokeStyle;
    if (prev && prev.phase === p.phase) { g.beginPath(); g.moveTo(prev.x, prev.y); g.lineTo(x, y); g.stroke(); }
    g.fillRect(x - 2, y - 2, 4, 4);
    prev = { x, y, phase: p.phase };
  });
}

async function showResult(job) {
  if (state.plotsShown === job.id) return;
  state.plotsShown = job.id;
  const box = document.getElementById('d-result');
  const r = await (await api('/api/jobs/' + job.id + '/result')).json();
  const names = Object.keys(r.params);
  const pb = document.querySelector('#d-params tbody');
  pb.replaceChildren();
  for (const n of names) {
    const tr = el('tr');
    tr.append(el('td', n), el('td', fmt(r.params[n], 10), 'num'), el('td', fmt(r.stderr[n], 4), 'num'));
    pb.append(tr);
  }
  const head = document.querySelector('#d-corr thead');
  const cb = document.querySelector('#d-corr tbody');
  head.replaceChildren();
  cb.replaceChildren();
  if (r.correlation) {
    const hr = el('tr');
    hr.append(el('th', ''));
    names.forEach(n => hr.append(el('th', n)));
    head.append(hr);
    r.correlation.forEach((row, i) => {
      const tr = el('tr');
      tr.append(el('th', names[i]));
      row.forEach(v => tr.append(el('td', v === null ? '–' : v.toFixed(3), 'num')));
      cb.append(tr);
    });
  }
  try {
    document.getElementById('d-report').textContent = await (await api('/api/jobs/' + job.id + '/report')).text();
  } catch (e) {
    document.getElementById('d-report').textContent = e.message;
  }
  const plots = document.getElementById('d-plots');
  plots.replaceChildren();
  document.getElementById('d-plots-box').hidden = !(job.plots && job.plots.length);
  for (const f of job.plots || []) {
    const blob = await (await api('/api/jobs/' + job.id + '/plots/' + f)).blob();
    const img = el('img');
    img.alt = f;
    img.src = URL.createObjectURL(blob);
    plots.append(img);
  }
  box.hidden = false;
}

showTokenState();
refreshList();
setInterval(refreshList, 3000);
