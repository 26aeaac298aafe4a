/* synfin HTML report: the page script (plain browser JavaScript, inlined into the report).
 * Reads the JSON in #synfin-data and draws the summary, the charts (uPlot), the stuck panel,
 * the flow table (virtualised) and, on click, a connection's ladder (SVG) and graphs (uPlot).
 * Everything that comes from the capture is put into the page as text (textContent), never as HTML. */
(function () {
  'use strict';

  /** The data: plain JSON, or (big reports) gzip in base64, inflated with the browser's DecompressionStream. */
  function load(done) {
    var plain = document.getElementById('synfin-data');
    if (plain) { done(JSON.parse(plain.textContent)); return; }
    var gz = document.getElementById('synfin-data-gz');
    if (typeof DecompressionStream === 'undefined') {
      document.getElementById('app').textContent = 'This report is compressed and needs a browser with DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later).';
      return;
    }
    var bin = atob(gz.textContent.replace(/\s+/g, ''));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
      .then(function (text) { done(JSON.parse(text)); })
      .catch(function (e) { document.getElementById('app').textContent = 'The report data could not be read: ' + e.message; });
  }

  load(function (D) {
  var F = D.flows;
  var E = D.events;
  var S = D.strings;
  var N = F.id.length;
  // Each row's packet events follow the previous rows' events: offsets are the running sum of counts.
  F.eo = new Array(N);
  for (var o = 0, acc = 0; o < N; o++) { F.eo[o] = acc; acc += F.en[o]; }
  var T = D.transitions;
  F.to = new Array(N);
  for (var o2 = 0, acc2 = 0; o2 < N; o2++) { F.to[o2] = acc2; acc2 += F.tn[o2]; }
  if (D.encoding === 'delta') {
    // Undo the per-connection delta encoding (data.ts encodeDeltas): rel/t in µs from the previous value,
    // frame from the previous one, seq/ack/win from the previous packet of the same sender.
    for (var r0 = 0; r0 < N; r0++) {
      var rel = 0, fr = 0, last = [[0, 0, 0], [0, 0, 0]];
      for (var k0 = F.eo[r0], k1 = k0 + F.en[r0]; k0 < k1; k0++) {
        rel += E.rel[k0]; E.rel[k0] = rel / 1e6;
        fr += E.frame[k0]; E.frame[k0] = fr;
        var l = last[E.from[k0]];
        l[0] += E.seq[k0]; E.seq[k0] = l[0];
        l[1] += E.ack[k0]; E.ack[k0] = l[1];
        l[2] += E.win[k0]; E.win[k0] = l[2];
      }
      var tt = 0, tf = 0;
      for (var j0 = F.to[r0], j1 = j0 + F.tn[r0]; j0 < j1; j0++) {
        tt += T.t[j0]; T.t[j0] = tt / 1e6;
        tf += T.frame[j0]; T.frame[j0] = tf;
      }
    }
  }
  var STATES = D.states;
  var TEARDOWNS = D.teardowns;
  var PROTOS = D.protos;
  var FL = { DIR: 1, STATE: 2, REUSE: 4, ICMP_REJ: 8, RST_OOW: 16, HALF: 32, HS: 64, CUT: 128, EVICTED: 256 };
  var TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128, NS: 256 };
  var NOTE_RETR = 1 | 2 | 4; // retransmission, fast, spurious
  var NOTE_SYN_RETR = 1 << 17;
  var TD_COLORS = {
    graceful: '#1e9e57', simultaneous: '#0f9488', 'reset-client': '#e8590c', 'reset-server': '#d0353a',
    rejected: '#9036c4', unanswered: '#a86b00', incomplete: '#e0a100', none: '#8a94a6'
  };
  var C_CLIENT = '#2458d6';
  var C_SERVER = '#d9480f';
  var app = document.getElementById('app');

  // ---------- small helpers ----------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v == null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c == null || c === false) return;
    if (Array.isArray(c)) { for (var j = 0; j < c.length; j++) append(el, c[j]); return; }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, text) {
    var el = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (attrs[k] != null) el.setAttribute(k, String(attrs[k]));
    if (text != null) el.textContent = text;
    return el;
  }
  function fmtInt(n) {
    return n == null ? '' : Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function fmtBytes(n) {
    if (n < 1000) return n + ' B';
    var u = ['kB', 'MB', 'GB', 'TB'];
    var i = -1;
    do { n /= 1000; i++; } while (n >= 1000 && i < u.length - 1);
    return (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)) + ' ' + u[i];
  }
  function fmtSi(n) {
    var a = Math.abs(n);
    if (a >= 1e9) return +(n / 1e9).toFixed(2) + 'G';
    if (a >= 1e6) return +(n / 1e6).toFixed(2) + 'M';
    if (a >= 1e3) return +(n / 1e3).toFixed(1) + 'k';
    return String(+n.toFixed(2));
  }
  function fmtDur(sec) {
    if (sec == null || sec < 0) return '';
    if (sec === 0) return '0 s';
    if (sec < 0.001) return (sec * 1e6).toFixed(0) + ' µs';
    if (sec < 1) return (sec * 1e3).toFixed(sec < 0.01 ? 2 : 1) + ' ms';
    if (sec < 60) return sec.toFixed(sec < 10 ? 3 : 1) + ' s';
    var t = Math.floor(sec);
    var hh = Math.floor(t / 3600), mm = Math.floor((t % 3600) / 60), ss = t % 60;
    function p2(x) { return (x < 10 ? '0' : '') + x; }
    return hh > 0 ? hh + 'h' + p2(mm) + 'm' + p2(ss) + 's' : mm + 'm' + p2(ss) + 's';
  }
  /** Tick steps for time axes in seconds: decimal below a second, then clock-like. */
  var TIME_INCRS = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  /** Tick labels in one format for the whole axis: seconds under 2 minutes, else h:mm:ss / m:ss. */
  function clockTicks(sp) {
    var max = 0;
    sp.forEach(function (v) { if (Math.abs(v) > max) max = Math.abs(v); });
    if (max < 120) return sp.map(fmtOffset);
    return sp.map(function (v) {
      var t = Math.round(v), hh = Math.floor(t / 3600), mm = Math.floor((t % 3600) / 60), ss = t % 60;
      function p2(x) { return (x < 10 ? '0' : '') + x; }
      return (v === 0 ? '' : '+') + (max >= 3600 ? hh + ':' + p2(mm) : mm) + ':' + p2(ss);
    });
  }
  /** Seconds since the capture's first packet, for time axes: +0.25 s, +12 s, +4m10s. */
  function fmtOffset(v) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    if (a < 1) return '+' + +(v * 1000).toFixed(3) + ' ms';
    if (a < 120) return '+' + +v.toFixed(3) + ' s';
    return '+' + fmtDur(v);
  }
  function fmtMs(ms) {
    if (ms == null || ms < 0) return '';
    return ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0);
  }
  function ep(ip, port) { return ip.indexOf(':') >= 0 ? '[' + ip + ']:' + port : ip + ':' + port; }
  // ICMP "ports" are Zeek's type/counterpart pseudo-ports, not endpoints: show the address alone.
  function clientEp(i) { return F.proto[i] >= 2 ? S[F.cip[i]] : ep(S[F.cip[i]], F.cport[i]); }
  function serverEp(i) { return F.proto[i] >= 2 ? S[F.sip[i]] : ep(S[F.sip[i]], F.sport[i]); }
  function stateName(k) { return STATES[k] || '—'; }
  function flagText(f) {
    var names = [];
    if (f & TCP.FIN) names.push('FIN');
    if (f & TCP.SYN) names.push('SYN');
    if (f & TCP.RST) names.push('RST');
    if (f & TCP.PSH) names.push('PSH');
    if (f & TCP.ACK) names.push('ACK');
    if (f & TCP.URG) names.push('URG');
    if (f & TCP.ECE) names.push('ECE');
    if (f & TCP.CWR) names.push('CWR');
    return names.join(',');
  }
  function noteText(bits) {
    var out = [];
    for (var i = 0; i < D.noteNames.length; i++) if (bits & D.noteNames[i][0]) out.push(D.noteNames[i][1]);
    return out;
  }
  function badge(text, cls) { return h('span', { class: 'badge ' + cls, text: text }); }
  function median(sorted) {
    if (!sorted.length) return null;
    var m = sorted.length >> 1;
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
  function quantile(sorted, q) {
    if (!sorted.length) return null;
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }
  function widthOf(el, fallback) {
    var w = el.getBoundingClientRect().width;
    return Math.max(240, Math.floor(w || fallback || 600));
  }
  var plots = [];
  function trackPlot(u, el) { plots.push({ u: u, el: el }); return u; }
  function dropPlots(container) {
    plots = plots.filter(function (p) {
      if (container.contains(p.el)) { p.u.destroy(); return false; }
      return true;
    });
  }
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      plots.forEach(function (p) { p.u.setSize({ width: widthOf(p.el), height: p.u.height }); });
    }, 120);
  });

  // ---------- summary ----------
  var sum = D.summary;
  var stuckTotal = D.stuck.total;
  var stuckGroupsN = D.stuck.groups.length + D.stuck.timeWait.length;
  var rtts = [];
  for (var r = 0; r < N; r++) if (F.rtt[r] >= 0) rtts.push(F.rtt[r]);
  rtts.sort(function (a, b) { return a - b; });
  var resets = (sum.teardown['reset-client'] || 0) + (sum.teardown['reset-server'] || 0);

  function card(k, v, d, cls) {
    return h('div', { class: 'card ' + (cls || '') }, h('div', { class: 'k', text: k }), h('div', { class: 'v', text: v }), d ? h('div', { class: 'd', text: d }) : null);
  }

  function renderSummary() {
    var c = sum.connections;
    var parts = [];
    if (c.tcp) parts.push(fmtInt(c.tcp) + ' TCP');
    if (c.udp) parts.push(fmtInt(c.udp) + ' UDP');
    if (c.icmp) parts.push(fmtInt(c.icmp) + ' ICMP');
    var alerts = [];
    if (sum.error) alerts.push(h('div', { class: 'alert bad', text: 'Reading stopped on damaged input: ' + sum.error + ' (everything before it is analysed).' }));
    if (sum.interrupted) alerts.push(h('div', { class: 'alert', text: 'Reading was interrupted; the report covers what was read.' }));
    if (sum.evicted) alerts.push(h('div', { class: 'alert', text: fmtInt(sum.evicted) + ' connections were evicted by the connection limit (SYN flood protection).' }));
    if (D.budget.cutConnections) {
      alerts.push(h('div', { class: 'alert', text: 'Packet detail is embedded for at most ' + fmtInt(D.budget.perConnection) + ' packets per connection and ' +
        fmtInt(D.budget.maxEvents) + ' in all (' + fmtInt(D.budget.embedded) + ' embedded): ' + fmtInt(D.budget.cutConnections) +
        ' connection(s) show only part of their packets, or none. Filter with is:cut to list them.' }));
    }
    append(app, alerts);
    append(app, h('div', { class: 'cards', id: 'cards' },
      card('Packets', fmtInt(sum.packets), sum.captures.length + (sum.captures.length === 1 ? ' capture file' : ' capture files')),
      card('Connections', fmtInt(c.total), parts.join(' · ') || 'none'),
      card('Time span', fmtDur(sum.span) || '0', sum.first ? sum.first.replace('T', ' ') : 'no packets'),
      card('Handshakes', fmtInt(sum.handshakes.complete) + ' / ' + fmtInt(sum.handshakes.complete + sum.handshakes.incomplete), 'complete of TCP connections'),
      card('Handshake RTT', rtts.length ? fmtMs(median(rtts)) + ' ms' : '—', rtts.length ? 'median · p95 ' + fmtMs(quantile(rtts, 0.95)) + ' ms' : 'no complete handshake'),
      card('Resets', fmtInt(resets), 'client ' + fmtInt(sum.teardown['reset-client'] || 0) + ' · server ' + fmtInt(sum.teardown['reset-server'] || 0), resets ? 'bad' : ''),
      card('Stuck', fmtInt(stuckTotal), stuckGroupsN + ' group' + (stuckGroupsN === 1 ? '' : 's') + ' · ≥ ' + D.stuckAfter + ' s in state', stuckTotal ? 'bad' : 'good')
    ));
  }

  // ---------- charts ----------
  function barList(items, onPick) {
    // items: [{label, parts: [{v, color, title}], total}]
    var max = 0;
    items.forEach(function (it) { if (it.total > max) max = it.total; });
    var box = h('div', { class: 'bars' });
    items.forEach(function (it) {
      var track = h('div', { class: 'track' });
      it.parts.forEach(function (p) {
        if (!p.v) return;
        track.appendChild(h('div', { class: 'fill', style: 'width:' + (100 * p.v / max).toFixed(2) + '%;background:' + p.color, title: p.title }));
      });
      box.appendChild(h('div', { class: 'lbl', text: it.label, title: 'Filter the table', onclick: function () { onPick(it); } }));
      box.appendChild(track);
      box.appendChild(h('div', { class: 'num', text: fmtInt(it.total) }));
    });
    return box;
  }

  function chartBox(title, sub, id) {
    var plot = h('div', { class: 'plot', id: id });
    return { el: h('div', { class: 'chart' }, h('h3', null, title, sub ? h('span', { class: 'sub', text: sub }) : null), plot), plot: plot };
  }

  function renderCharts() {
    var sec = h('section', { class: 'panel', id: 'charts' }, h('h2', null, 'Overview', h('span', { class: 'sub', text: 'click a bar label to filter the connection table' })));
    var grid = h('div', { class: 'charts' });
    sec.appendChild(grid);
    append(app, sec);

    // teardown kinds
    var td = chartBox('Connections by teardown', null, 'chart-teardown');
    grid.appendChild(td.el);
    var tdItems = TEARDOWNS.filter(function (k) { return sum.teardown[k]; }).map(function (k) {
      return { label: k, total: sum.teardown[k], parts: [{ v: sum.teardown[k], color: TD_COLORS[k] || '#888', title: k }], filter: 'teardown:' + k };
    });
    if (tdItems.length) td.plot.appendChild(barList(tdItems, function (it) { setFilter(it.filter); }));
    else td.plot.appendChild(h('div', { class: 'empty', text: 'No connections.' }));

    // end states, client and server side by side
    var es = chartBox('TCP end states', 'state of each side at capture end', 'chart-states');
    grid.appendChild(es.el);
    var esItems = [];
    STATES.forEach(function (st) {
      var key = st || 'unknown';
      var cN = sum.endStates.client[key] || 0, sN = sum.endStates.server[key] || 0;
      if (!cN && !sN) return;
      esItems.push({ label: key, total: cN + sN, filter: st ? 'state:' + st : '',
        parts: [{ v: cN, color: C_CLIENT, title: 'client: ' + cN }, { v: sN, color: C_SERVER, title: 'server: ' + sN }] });
    });
    if (esItems.length) {
      es.plot.appendChild(h('div', { class: 'legend-inline' },
        h('span', null, h('i', { style: 'background:' + C_CLIENT }), 'client side'),
        h('span', null, h('i', { style: 'background:' + C_SERVER }), 'server side')));
      es.plot.appendChild(barList(esItems, function (it) { if (it.filter) setFilter(it.filter); }));
    } else es.plot.appendChild(h('div', { class: 'empty', text: 'No TCP connections.' }));

    // RTT histogram (log bins)
    var rt = chartBox('Handshake RTT', rtts.length ? fmtInt(rtts.length) + ' complete handshakes, SYN → SYN-ACK → ACK' : null, 'chart-rtt');
    grid.appendChild(rt.el);
    // open over time
    var ot = chartBox('Connections open over time', 'since ' + (sum.first ? sum.first.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'the first packet'), 'chart-open');
    ot.el.title = 'A connection is open from its first to its last packet, or to the end of the capture when it was not closed (teardown none).';
    grid.appendChild(ot.el);

    requestAnimationFrame(function () {
      drawRttHistogram(rt.plot);
      drawOpenOverTime(ot.plot);
    });
  }

  function drawRttHistogram(el) {
    if (!rtts.length) { el.appendChild(h('div', { class: 'empty', text: 'No complete handshake, no RTT.' })); return; }
    // Linear bins when the RTTs span less than a factor of 20 (one path, one site), else 1-2-5 log bins.
    var lo = rtts[0], hi = rtts[rtts.length - 1];
    var edges;
    if (lo > 0 && hi / lo < 20) {
      var raw = (hi - lo) / 16 || Math.max(lo / 20, 0.001);
      var mag = Math.pow(10, Math.floor(Math.log10(raw)));
      var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).find(function (x) { return x >= raw; });
      var start = Math.floor(lo / step) * step;
      edges = [];
      for (var e0 = start; e0 <= hi + step * 1e-9; e0 += step) edges.push(+e0.toPrecision(12));
      edges.push(+(edges[edges.length - 1] + step).toPrecision(12));
    } else {
      edges = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, Infinity];
    }
    var counts = new Array(edges.length - 1).fill(0);
    var bi = 0;
    for (var i = 0; i < rtts.length; i++) {
      while (bi < counts.length - 1 && rtts[i] >= edges[bi + 1]) bi++;
      counts[bi]++;
    }
    var first = 0, last = counts.length - 1;
    while (first < last && !counts[first]) first++;
    while (last > first && !counts[last]) last--;
    var labels = [], xs = [], ys = [], tips = [];
    for (var k = first; k <= last; k++) {
      labels.push(edges[k + 1] === Infinity ? '≥' + fmtSi(edges[k]) : fmtSi(edges[k]));
      tips.push(edges[k + 1] === Infinity ? '≥ ' + edges[k] + ' ms' : edges[k] + '–' + edges[k + 1] + ' ms');
      xs.push(xs.length);
      ys.push(counts[k]);
    }
    var every = Math.max(1, Math.ceil(xs.length / 10));
    var opts = {
      width: widthOf(el), height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: function (u, mn, mx) { return [0, Math.max(1, mx * 1.1)]; } } },
      axes: [
        { splits: function () { return xs.map(function (x) { return x - 0.5; }).concat([xs.length - 0.5]); },
          values: function (u, sp) { return sp.map(function (v, j) { return j % every === 0 ? (j < labels.length ? labels[j] : (edges[last + 1] === Infinity ? '' : fmtSi(edges[last + 1]))) : ''; }); },
          size: 36, grid: { show: false }, label: 'ms', labelSize: 14 },
        { values: function (u, sp) { return sp.map(fmtSi); }, size: 46 }
      ],
      series: [{ label: 'RTT', value: function (u, v) { return v == null ? '' : tips[v]; } }, { label: 'connections', fill: 'rgba(36,88,214,0.75)', stroke: '#2458d6', width: 1, paths: uPlot.paths.bars({ size: [0.72, 80] }), points: { show: false } }]
    };
    trackPlot(new uPlot(opts, [xs, ys], el), el);
  }

  function drawOpenOverTime(el) {
    if (!N || sum.firstEpoch == null) { el.appendChild(h('div', { class: 'empty', text: 'No connections.' })); return; }
    var span = Math.max(sum.span, 1e-6);
    var noneIdx = TEARDOWNS.indexOf('none');
    // Openings and closings, each sorted; at equal times an opening counts before a closing.
    var opens = new Float64Array(N), closes = new Float64Array(N);
    for (var j = 0; j < N; j++) { opens[j] = F.start[j]; closes[j] = F.td[j] === noneIdx ? span : F.start[j] + F.dur[j]; }
    opens.sort(); closes.sort();
    var xs = [0], ys = [0];
    var a = 0, b = 0, cur = 0;
    while (a < N || b < N) {
      var t;
      if (b >= N || (a < N && opens[a] <= closes[b])) { t = opens[a++]; cur++; } else { t = closes[b++]; cur--; }
      if (xs[xs.length - 1] === t) ys[ys.length - 1] = cur;
      else { xs.push(t); ys.push(cur); }
    }
    if (xs[xs.length - 1] < span) { xs.push(span); ys.push(cur); }
    // Downsample to about 3000 points keeping each bucket's maximum.
    var MAX = 3000;
    if (xs.length > MAX) {
      var bx = [], by = [], step = span / MAX, k = 0;
      for (var q = 0; q < MAX && k < xs.length; q++) {
        var until = (q + 1) * step, m = -1, tx = xs[k];
        while (k < xs.length && (xs[k] <= until || q === MAX - 1)) { if (ys[k] > m) m = ys[k]; k++; }
        if (m >= 0) { bx.push(tx); by.push(m); }
      }
      xs = bx; ys = by;
    }
    var opts = {
      width: widthOf(el), height: 220,
      legend: { show: false },
      scales: { x: { time: false }, y: { range: function (u, mn, mx) { return [0, Math.max(1, mx * 1.1)]; } } },
      axes: [{ size: 36, incrs: TIME_INCRS, values: function (u, sp) { return clockTicks(sp); } }, { values: function (u, sp) { return sp.map(fmtSi); }, size: 46 }],
      series: [{ label: 'time' }, { label: 'open', stroke: '#1e9e57', fill: 'rgba(30,158,87,0.14)', width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }]
    };
    trackPlot(new uPlot(opts, [xs, ys], el), el);
  }

  // ---------- capture and layers ----------
  function dl(pairs) {
    var box = h('dl', { class: 'kv' });
    pairs.forEach(function (p) { if (p[1] == null || p[1] === '') return; box.appendChild(h('dt', { text: p[0] })); box.appendChild(h('dd', { text: p[1] })); });
    return box;
  }
  function miniTable(rows) {
    var tb = h('table', { class: 'plain' });
    rows.forEach(function (rw) { if (rw[1]) tb.appendChild(h('tr', null, h('td', { text: rw[0] }), h('td', { class: 'n', text: fmtInt(rw[1]) }))); });
    if (!tb.childNodes.length) tb.appendChild(h('tr', null, h('td', { class: 'note', text: 'none' })));
    return tb;
  }
  function layer(name, rows) { return h('div', { class: 'layer' }, h('h4', { text: name }), miniTable(rows)); }

  function renderCapture() {
    var C = D.cliSummary;
    var sec = h('section', { class: 'panel', id: 'capture' }, h('h2', null, 'Capture', h('span', { class: 'sub', text: 'as synfin summary reports it' })));
    var t = h('table', { class: 'plain' });
    t.appendChild(h('tr', null, h('th', { text: 'File' }), h('th', { text: 'Format' }), h('th', { class: 'n', text: 'Packets' }),
      h('th', { text: 'Link types' }), h('th', { class: 'n', text: 'Interfaces' }), h('th', { class: 'n', text: 'Dropped' }), h('th', { text: 'Problems' })));
    sum.captures.forEach(function (c, k) {
      var problems = [];
      if (c.warnings) problems.push(c.warnings + ' warning' + (c.warnings === 1 ? '' : 's'));
      if (c.error) problems.push(c.error);
      var links = C && C.files[k] ? C.files[k].linkTypes.join(', ') : c.linkTypes.join(', ');
      t.appendChild(h('tr', null, h('td', { class: 'mono', text: c.file }),
        h('td', { text: (c.format || '?') + (c.version ? ' ' + c.version : '') + (c.gzip ? ' (gzip)' : '') }),
        h('td', { class: 'n', text: fmtInt(c.packets) }), h('td', { text: links }),
        h('td', { class: 'n', text: String(c.interfaces) }), h('td', { class: 'n', text: c.dropped == null ? '—' : fmtInt(c.dropped) }),
        h('td', { text: problems.join('; ') || '—' })));
    });
    sec.appendChild(t);
    var cn = sum.connections;
    sec.appendChild(h('div', { style: 'margin-top:12px' }, dl([
      ['First packet', sum.first], ['Last packet', sum.last], ['Span', fmtDur(sum.span)],
      ['Connections', fmtInt(cn.total) + ' (TCP ' + fmtInt(cn.tcp) + ', UDP ' + fmtInt(cn.udp) + ', ICMP ' + fmtInt(cn.icmp) + ')'],
      ['Handshakes', fmtInt(sum.handshakes.complete) + ' complete, ' + fmtInt(sum.handshakes.incomplete) + ' incomplete'],
      ['TCP teardown', TEARDOWNS.filter(function (k) { return sum.teardown[k]; }).map(function (k) { return k + ' ' + fmtInt(sum.teardown[k]); }).join(', ') || '—']
    ])));
    if (C) {
      var L = C.layers;
      var apps = Object.keys(L.application).sort(function (a, b) { return L.application[b] - L.application[a]; });
      var linkRows = [['frames', L.link.frames], ['Ethernet', L.link.ethernet], ['VLAN-tagged', L.link.vlanTagged], ['ARP', L.link.arp], ['other link', L.link.other], ['unsupported link', L.link.unsupported]];
      sec.appendChild(h('div', { class: 'layers' },
        layer('Link', linkRows),
        layer('Internet', [['IPv4', L.internet.ipv4], ['IPv6', L.internet.ipv6], ['fragments', L.internet.fragments], ['tunnelled', L.internet.tunnelled], ['ICMP', L.internet.icmp], ['ICMPv6', L.internet.icmp6]]),
        layer('Transport', [['TCP', L.transport.tcp], ['UDP', L.transport.udp], ['other', L.transport.other]]),
        layer('Application (by port)', apps.slice(0, 12).map(function (a) { return [a, L.application[a]]; })),
        layer('Damaged', [['malformed link', L.malformed.link], ['malformed network', L.malformed.network], ['malformed transport', L.malformed.transport], ['truncated', L.truncated]])
      ));
      if (C.topTalkers.length) {
        var tt = h('table', { class: 'plain', id: 'talkers' });
        tt.appendChild(h('tr', null, h('th', { text: 'Host' }), h('th', { class: 'n', text: 'Connections' }), h('th', { class: 'n', text: 'Packets sent' }),
          h('th', { class: 'n', text: 'Bytes sent' }), h('th', { class: 'n', text: 'Bytes received' })));
        C.topTalkers.forEach(function (x) {
          tt.appendChild(h('tr', { class: 'click', title: 'Filter the table to this host', onclick: function () { setFilter('host:' + x.ip); } },
            h('td', { class: 'mono', text: x.ip }), h('td', { class: 'n', text: fmtInt(x.connections) }), h('td', { class: 'n', text: fmtInt(x.packets) }),
            h('td', { class: 'n', text: fmtBytes(x.bytesSent) }), h('td', { class: 'n', text: fmtBytes(x.bytesReceived) })));
        });
        sec.appendChild(h('div', { class: 'layer', style: 'margin-top:16px' }, h('h4', { text: 'Top talkers (IP bytes)' }), tt));
      }
    }
    append(app, sec);
  }

  // ---------- stuck ----------
  function renderStuck() {
    var P = D.stuck;
    var sec = h('section', { class: 'panel', id: 'stuck' }, h('h2', null, 'Stuck connections',
      h('span', { class: 'sub', text: 'as synfin stuck: a side held ≥ ' + D.stuckAfter + ' s in a closing or opening state at capture end, by the endpoint holding it; click a row for its connections' })));
    if (!P.groups.length && !P.timeWait.length && !P.portReuse.length) {
      sec.appendChild(h('div', { class: 'empty', text: 'Nothing stuck: no side has been in one of these states for ' + D.stuckAfter + ' s or more.' }));
      append(app, sec);
      return;
    }
    var t = h('table', { class: 'plain', id: 'stuck-table' });
    t.appendChild(h('tr', null, h('th', { text: 'Held by' }), h('th', { text: 'State' }), h('th', { class: 'n', text: 'Count' }), h('th', { class: 'n', text: 'Oldest' }), h('th', { text: 'What it means' })));
    var rows = [];
    P.groups.forEach(function (g) {
      var who = g.localPorts && g.localPorts > 1 ? g.endpoint.ip + ' (' + g.localPorts + ' ports)' : ep(g.endpoint.ip, g.endpoint.port);
      rows.push({ who: who, state: g.state, count: g.count, oldest: g.oldestSeconds, ids: g.ids, line: g.line });
    });
    P.timeWait.forEach(function (tw) {
      rows.push({ who: tw.ip, state: 'TIME_WAIT', count: tw.count, oldest: tw.oldestSeconds, ids: tw.ids, line: tw.line });
    });
    var SHOW = 12;
    function addRows(from, to) {
      for (var k = from; k < to; k++) {
        (function (r) {
          t.appendChild(h('tr', { class: 'click', title: 'Show these connections in the table', onclick: function () { setGroupFilter(r.who + ' ' + r.state, r.ids); } },
            h('td', { class: 'mono', text: r.who }), h('td', null, badge(r.state, 's-' + r.state)),
            h('td', { class: 'n', text: fmtInt(r.count) }), h('td', { class: 'n', text: fmtDur(r.oldest) }),
            h('td', { text: r.line })));
        })(rows[k]);
      }
    }
    addRows(0, Math.min(SHOW, rows.length));
    var box = h('div', { class: 'scrollbox' }, t);
    sec.appendChild(box);
    if (rows.length > SHOW) {
      var more = h('button', { class: 'btn', id: 'stuck-more', text: 'Show all ' + fmtInt(rows.length) + ' groups', onclick: function () {
        addRows(SHOW, rows.length);
        more.remove();
        box.classList.add('open');
      } });
      sec.appendChild(h('div', { style: 'margin-top:8px' }, more));
    }
    if (P.timeWait.length) sec.appendChild(h('p', { class: 'note', text: 'TIME_WAIT: ' + P.timeWaitMeaning + '.' }));
    if (P.portReuse.length) {
      var ids = P.portReuse.map(function (u) { return u.id; });
      sec.appendChild(h('p', { class: 'note' }, P.portReuse.length + ' 4-tuple' + (P.portReuse.length === 1 ? ' was' : 's were') + ' reused by a new SYN while still in TIME_WAIT: ',
        h('a', { href: '#', onclick: function (ev) { ev.preventDefault(); setGroupFilter('port reuse', ids); }, text: 'show ' + (ids.length === 1 ? 'it' : 'them') })));
    }
    append(app, sec);
  }

  // ---------- flow table ----------
  var ROW_H = 28;
  var OVERSCAN = 8;
  // Rank of each pooled string in sort order (IPv4 numerically, then IPv6, then text).
  var strRank = null;
  function ipv4Num(x) {
    var m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(x);
    return m ? ((+m[1]) * 16777216 + (+m[2]) * 65536 + (+m[3]) * 256 + (+m[4])) : -1;
  }
  function ranks() {
    if (strRank) return strRank;
    var idx = S.map(function (_, i) { return i; });
    var v4 = S.map(ipv4Num);
    idx.sort(function (a, b) {
      var x = v4[a], y = v4[b];
      if (x >= 0 && y >= 0) return x - y;
      if (x >= 0) return -1;
      if (y >= 0) return 1;
      return S[a] < S[b] ? -1 : S[a] > S[b] ? 1 : 0;
    });
    strRank = new Float64Array(S.length);
    idx.forEach(function (si, r) { strRank[si] = r; });
    return strRank;
  }
  var COLS = [
    { k: 'id', label: '#', w: 56, n: 1, key: function (i) { return F.id[i]; }, text: function (i) { return String(F.id[i]); } },
    { k: 'proto', label: 'Proto', w: 56, key: function (i) { return F.proto[i]; }, text: function (i) { return PROTOS[F.proto[i]]; } },
    { k: 'client', label: 'Client', w: 160, m: 1, key: function (i) { return ranks()[F.cip[i]] * 65536 + F.cport[i]; }, text: clientEp },
    { k: 'server', label: 'Server', w: 160, m: 1, key: function (i) { return ranks()[F.sip[i]] * 65536 + F.sport[i]; }, text: serverEp },
    { k: 'cst', label: 'Client state', w: 118, key: function (i) { return F.cst[i]; }, badge: function (i) { return STATES[F.cst[i]] ? 's-' + STATES[F.cst[i]] : ''; }, text: function (i) { return stateName(F.cst[i]); } },
    { k: 'sst', label: 'Server state', w: 118, key: function (i) { return F.sst[i]; }, badge: function (i) { return STATES[F.sst[i]] ? 's-' + STATES[F.sst[i]] : ''; }, text: function (i) { return stateName(F.sst[i]); } },
    { k: 'td', label: 'Teardown', w: 110, key: function (i) { return F.td[i]; }, badge: function (i) { return 't-' + TEARDOWNS[F.td[i]]; }, text: function (i) { return TEARDOWNS[F.td[i]]; } },
    { k: 'zeek', label: 'Zeek', w: 100, m: 1, key: function (i) { return ranks()[F.zs[i]] * 1e7 + ranks()[F.zh[i]]; }, text: function (i) { return S[F.zs[i]] + (S[F.zh[i]] ? ' ' + S[F.zh[i]] : ''); } },
    { k: 'rtt', label: 'RTT ms', w: 66, n: 1, key: function (i) { return F.rtt[i]; }, text: function (i) { return fmtMs(F.rtt[i]); } },
    { k: 'dur', label: 'Duration', w: 78, n: 1, key: function (i) { return F.dur[i]; }, text: function (i) { return fmtDur(F.dur[i]); } },
    { k: 'pkts', label: 'Pkts → / ←', w: 86, n: 1, key: function (i) { return F.pc[i] + F.ps[i]; }, text: function (i) { return fmtInt(F.pc[i]) + ' / ' + fmtInt(F.ps[i]); } },
    { k: 'bytes', label: 'Bytes → / ←', w: 116, n: 1, key: function (i) { return F.bc[i] + F.bs[i]; }, text: function (i) { return fmtBytes(F.bc[i]) + ' / ' + fmtBytes(F.bs[i]); } },
    { k: 'retr', label: 'Retr', w: 48, n: 1, key: function (i) { return F.rc[i] + F.rs[i]; }, text: function (i) { return String(F.rc[i] + F.rs[i]); }, warn: function (i) { return F.rc[i] + F.rs[i] > 0; } },
    { k: 'svc', label: 'Service', w: 72, key: function (i) { return F.svc[i] < 0 ? -1 : ranks()[F.svc[i]]; }, text: function (i) { return F.svc[i] < 0 ? '' : S[F.svc[i]]; } }
  ];
  var gridTemplate = COLS.map(function (c) { return c.w + 'px'; }).join(' ') + ' minmax(0,1fr)';

  var view = new Int32Array(N); // rows shown, in display order
  var viewLen = N;
  for (var v0 = 0; v0 < N; v0++) view[v0] = v0;
  var sortCol = null, sortDesc = false;
  var filterText = '';
  var groupFilter = null; // {label, ids: Set}
  var selected = -1;
  var gridEl, bodyEl, countEl, errEl, chipEl, inputEl, headCells = [];
  var rowPool = [];
  var renderQueued = false;

  function renderTable() {
    var sec = h('section', { class: 'panel', id: 'flows' }, h('h2', null, 'Connections', h('span', { class: 'sub', text: 'click a row for its ladder and graphs; ↑/↓ move the selection' })));
    inputEl = h('input', { type: 'search', id: 'filter', placeholder: 'filter: 10.0.0.5  port:443  state:CLOSE_WAIT  teardown:reset-server  rtt>100  -proto:udp', spellcheck: 'false', autocomplete: 'off' });
    var t = 0;
    inputEl.addEventListener('input', function () { clearTimeout(t); t = setTimeout(function () { filterText = inputEl.value; applyView(); }, 120); });
    countEl = h('span', { class: 'count', id: 'row-count' });
    errEl = h('span', { class: 'err', id: 'filter-error' });
    chipEl = h('span', { id: 'group-chip' });
    var csvBtn = h('button', { class: 'btn', id: 'csv', title: 'The rows shown, as CSV (RFC 4180)', text: 'Download CSV', onclick: downloadCsv });
    sec.appendChild(h('div', { class: 'toolbar' }, inputEl, chipEl, countEl, errEl, csvBtn));
    sec.appendChild(h('div', { class: 'help' }, 'Words match addresses, states, teardown, Zeek state and history. Keys: ',
      ['host:', 'port:', 'state:', 'cstate:', 'sstate:', 'teardown:', 'proto:', 'zeek:', 'service:', 'id:', 'is:cut|reuse|inferred|halfclose|rejected'].map(function (k, i) { return [i ? ' ' : '', h('code', { text: k })]; }),
      '; numbers: ', ['rtt', 'dur', 'pkts', 'bytes', 'retr', 'dup', 'start'].map(function (k, i) { return [i ? ' ' : '', h('code', { text: k + '>…' })]; }),
      '; a leading - negates.'));
    gridEl = h('div', { class: 'grid', id: 'flow-grid', tabindex: '0', role: 'grid', 'aria-rowcount': String(N) });
    var head = h('div', { class: 'thead', role: 'row', style: 'grid-template-columns:' + gridTemplate });
    COLS.forEach(function (c) {
      var cell = h('div', { class: 'th' + (c.n ? ' n' : ''), role: 'columnheader', 'data-col': c.k, title: 'Sort by ' + c.label, onclick: function () { sortBy(c); } }, c.label);
      headCells.push(cell);
      head.appendChild(cell);
    });
    head.appendChild(h('div', { class: 'th' }));
    bodyEl = h('div', { class: 'tbody', role: 'rowgroup' });
    gridEl.appendChild(head);
    gridEl.appendChild(bodyEl);
    gridEl.addEventListener('scroll', queueRender, { passive: true });
    gridEl.addEventListener('keydown', onKey);
    bodyEl.addEventListener('click', function (ev) {
      var tr = ev.target.closest ? ev.target.closest('.tr') : null;
      if (tr && tr.dataset.row) select(+tr.dataset.row, true);
    });
    sec.appendChild(gridEl);
    append(app, sec);
    applyView();
  }

  function sizeGrid() {
    var want = Math.min(560, ROW_H * Math.max(viewLen, 3) + 36);
    gridEl.style.height = want + 'px';
    bodyEl.style.height = (viewLen * ROW_H) + 'px';
  }

  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(function () { renderQueued = false; renderRows(); });
  }

  function makeRow() {
    var tr = h('div', { class: 'tr', role: 'row', style: 'grid-template-columns:' + gridTemplate });
    tr._cells = COLS.map(function (c) {
      var td = h('div', { class: 'td' + (c.n ? ' n' : '') + (c.m ? ' m' : ''), role: 'gridcell' });
      if (c.badge) { td._b = h('span', { class: 'badge' }); td.appendChild(td._b); }
      tr.appendChild(td);
      return td;
    });
    return tr;
  }

  function renderRows() {
    if (!viewLen) {
      rowPool.forEach(function (r) { r.remove(); });
      rowPool = [];
      if (!bodyEl.querySelector('.none')) bodyEl.appendChild(h('div', { class: 'none', text: N ? 'No connection matches the filter.' : 'No connections in this capture.' }));
      return;
    }
    var none = bodyEl.querySelector('.none');
    if (none) none.remove();
    var headH = 33;
    var top = Math.max(0, gridEl.scrollTop - headH);
    var first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    var visible = Math.ceil(gridEl.clientHeight / ROW_H) + 2 * OVERSCAN;
    var last = Math.min(viewLen, first + visible);
    var need = last - first;
    while (rowPool.length < need) { var nr = makeRow(); rowPool.push(nr); bodyEl.appendChild(nr); }
    while (rowPool.length > need) rowPool.pop().remove();
    for (var k = 0; k < need; k++) {
      var pos = first + k, i = view[pos], tr = rowPool[k];
      tr.style.top = (pos * ROW_H) + 'px';
      tr.dataset.row = String(i);
      tr.className = 'tr' + (i === selected ? ' sel' : '');
      tr.setAttribute('aria-rowindex', String(pos + 1));
      for (var c = 0; c < COLS.length; c++) {
        var col = COLS[c], td = tr._cells[c], txt = col.text(i);
        if (col.badge) {
          var cls = col.badge(i);
          td._b.className = cls ? 'badge ' + cls : '';
          td._b.textContent = txt;
        } else td.textContent = txt;
        if (col.warn) td.classList.toggle('warn', col.warn(i));
      }
      var tip = clientEp(i) + ' → ' + serverEp(i);
      if (F.fl[i] & FL.CUT) tip += ' (packet detail cut)';
      tr.title = tip;
    }
  }

  function sortBy(c) {
    if (sortCol === c) sortDesc = !sortDesc;
    else { sortCol = c; sortDesc = !!c.n && c.k !== 'id' && c.k !== 'start'; }
    headCells.forEach(function (cell, j) {
      var lbl = COLS[j].label;
      cell.textContent = lbl;
      if (COLS[j] === sortCol) cell.appendChild(h('span', { class: 'arrow', text: sortDesc ? '▼' : '▲' }));
      cell.setAttribute('aria-sort', COLS[j] === sortCol ? (sortDesc ? 'descending' : 'ascending') : 'none');
    });
    applyView();
  }

  // ----- filter language -----
  var searchText = null;
  function rowSearch(i) {
    if (!searchText) searchText = new Array(N);
    var t = searchText[i];
    if (t === undefined) {
      t = (clientEp(i) + ' ' + serverEp(i) + ' ' + PROTOS[F.proto[i]] + ' ' + stateName(F.cst[i]) + ' ' + stateName(F.sst[i]) + ' ' +
        TEARDOWNS[F.td[i]] + ' ' + S[F.zs[i]] + ' ' + S[F.zh[i]] + ' ' + (F.svc[i] < 0 ? '' : S[F.svc[i]])).toLowerCase();
      searchText[i] = t;
    }
    return t;
  }
  function normState(x) { return x.toUpperCase().replace(/-/g, '_'); }
  var NUMS = {
    rtt: function (i) { return F.rtt[i]; }, dur: function (i) { return F.dur[i]; }, start: function (i) { return F.start[i]; },
    pkts: function (i) { return F.pc[i] + F.ps[i]; }, bytes: function (i) { return F.bc[i] + F.bs[i]; },
    retr: function (i) { return F.rc[i] + F.rs[i]; }, dup: function (i) { return F.dup[i]; }, zw: function (i) { return F.zw[i]; },
    lost: function (i) { return F.lost[i]; }, id: function (i) { return F.id[i]; }, port: null
  };
  var IS = { cut: FL.CUT, reuse: FL.REUSE, inferred: FL.DIR | FL.STATE, halfclose: FL.HALF, rejected: FL.ICMP_REJ, rstoow: FL.RST_OOW, handshake: FL.HS, evicted: FL.EVICTED };
  function compileTerm(term) {
    var neg = false;
    if (term[0] === '-' && term.length > 1) { neg = true; term = term.slice(1); }
    var m = /^([a-z]+)(:|>=|<=|>|<|=)(.*)$/i.exec(term);
    var fn = null;
    if (m && m[3] !== '') {
      var key = m[1].toLowerCase(), op = m[2], val = m[3], lv = val.toLowerCase();
      if (op !== ':' || (NUMS[key] && key !== 'id')) {
        var get = NUMS[key];
        if (!get) throw new Error('no number called ' + key);
        var num = parseFloat(val);
        if (isNaN(num)) throw new Error('not a number: ' + val);
        fn = op === '>' ? function (i) { return get(i) > num; } : op === '<' ? function (i) { var x = get(i); return x >= 0 && x < num; }
          : op === '>=' ? function (i) { return get(i) >= num; } : op === '<=' ? function (i) { var x = get(i); return x >= 0 && x <= num; }
          : function (i) { return get(i) === num; };
      } else if (key === 'host' || key === 'ip') {
        fn = function (i) { return S[F.cip[i]].toLowerCase() === lv || S[F.sip[i]].toLowerCase() === lv; };
      } else if (key === 'port' || key === 'cport' || key === 'sport') {
        var p = parseInt(val, 10);
        if (isNaN(p)) throw new Error('not a port: ' + val);
        fn = key === 'cport' ? function (i) { return F.cport[i] === p; } : key === 'sport' ? function (i) { return F.sport[i] === p; }
          : function (i) { return F.cport[i] === p || F.sport[i] === p; };
      } else if (key === 'state' || key === 'cstate' || key === 'sstate') {
        var st = STATES.indexOf(normState(val));
        if (st < 0) throw new Error('no state ' + val);
        fn = key === 'cstate' ? function (i) { return F.cst[i] === st; } : key === 'sstate' ? function (i) { return F.sst[i] === st; }
          : function (i) { return F.cst[i] === st || F.sst[i] === st; };
      } else if (key === 'teardown' || key === 'td') {
        var td = TEARDOWNS.indexOf(lv);
        if (td < 0) throw new Error('no teardown ' + val);
        fn = function (i) { return F.td[i] === td; };
      } else if (key === 'proto') {
        var pr = PROTOS.indexOf(lv);
        if (pr < 0) throw new Error('no protocol ' + val);
        fn = function (i) { return F.proto[i] === pr; };
      } else if (key === 'zeek') {
        fn = function (i) { return S[F.zs[i]].toLowerCase() === lv; };
      } else if (key === 'history') {
        fn = function (i) { return S[F.zh[i]].indexOf(val) >= 0; };
      } else if (key === 'service' || key === 'svc') {
        fn = function (i) { return F.svc[i] >= 0 && S[F.svc[i]].toLowerCase() === lv; };
      } else if (key === 'id') {
        var set = {};
        val.split(',').forEach(function (part) {
          var rg = /^(\d+)-(\d+)$/.exec(part);
          if (rg) { for (var x = +rg[1]; x <= +rg[2] && x - +rg[1] < 1e6; x++) set[x] = 1; } else if (/^\d+$/.test(part)) set[+part] = 1;
          else throw new Error('not an id: ' + part);
        });
        fn = function (i) { return set[F.id[i]] === 1; };
      } else if (key === 'is') {
        var bit = IS[lv];
        if (!bit) throw new Error('is: takes ' + Object.keys(IS).join('|'));
        fn = function (i) { return (F.fl[i] & bit) !== 0; };
      }
    }
    if (!fn && m && m[2] === ':' && m[3] !== '' && /^[a-z]+$/i.test(m[1]) && !/^[0-9a-f]{1,4}$/i.test(m[1])) {
      // "word:value" with an unknown word (hex words such as "fe" may start an IPv6 address).
      throw new Error('unknown filter key ' + m[1] + ':');
    }
    if (!fn) {
      var w = term.toLowerCase();
      fn = function (i) { return rowSearch(i).indexOf(w) >= 0; };
    }
    return neg ? function (i) { return !fn(i); } : fn;
  }

  function applyView() {
    var terms = filterText.trim().split(/\s+/).filter(Boolean);
    var tests = [];
    errEl.textContent = '';
    try { tests = terms.map(compileTerm); } catch (e) { errEl.textContent = e.message; tests = []; }
    var ids = groupFilter ? groupFilter.ids : null;
    var n = 0;
    for (var i = 0; i < N; i++) {
      if (ids && !ids.has(F.id[i])) continue;
      var ok = true;
      for (var t = 0; t < tests.length; t++) if (!tests[t](i)) { ok = false; break; }
      if (ok) view[n++] = i;
    }
    viewLen = n;
    if (sortCol) {
      var keyArr = new Float64Array(N);
      var sub = view.subarray(0, n);
      for (var k = 0; k < n; k++) keyArr[sub[k]] = sortCol.key(sub[k]);
      var dir = sortDesc ? -1 : 1;
      sub.sort(function (a, b) { return (keyArr[a] - keyArr[b]) * dir || a - b; });
    }
    countEl.textContent = (n === N ? fmtInt(N) : fmtInt(n) + ' of ' + fmtInt(N)) + ' connection' + (N === 1 ? '' : 's');
    gridEl.setAttribute('aria-rowcount', String(n));
    sizeGrid();
    if (gridEl.scrollTop > n * ROW_H) gridEl.scrollTop = 0;
    renderRows();
  }

  /** The rows shown (filtered and sorted) as CSV: one header line, fields quoted when needed (RFC 4180). */
  function csvText() {
    var cols = [
      ['id', function (i) { return F.id[i]; }], ['proto', function (i) { return PROTOS[F.proto[i]]; }],
      ['client_ip', function (i) { return S[F.cip[i]]; }], ['client_port', function (i) { return F.cport[i]; }],
      ['server_ip', function (i) { return S[F.sip[i]]; }], ['server_port', function (i) { return F.sport[i]; }],
      ['client_state', function (i) { return STATES[F.cst[i]] || ''; }], ['server_state', function (i) { return STATES[F.sst[i]] || ''; }],
      ['teardown', function (i) { return TEARDOWNS[F.td[i]]; }], ['zeek_conn_state', function (i) { return S[F.zs[i]]; }],
      ['zeek_history', function (i) { return S[F.zh[i]]; }], ['rtt_ms', function (i) { return F.rtt[i] < 0 ? '' : F.rtt[i]; }],
      ['start_s', function (i) { return F.start[i]; }], ['duration_s', function (i) { return F.dur[i]; }],
      ['packets_client', function (i) { return F.pc[i]; }], ['packets_server', function (i) { return F.ps[i]; }],
      ['bytes_client', function (i) { return F.bc[i]; }], ['bytes_server', function (i) { return F.bs[i]; }],
      ['retransmissions_client', function (i) { return F.rc[i]; }], ['retransmissions_server', function (i) { return F.rs[i]; }],
      ['service', function (i) { return F.svc[i] < 0 ? '' : S[F.svc[i]]; }]
    ];
    function q(v) {
      var t = String(v);
      return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    }
    var lines = [cols.map(function (c) { return c[0]; }).join(',')];
    for (var k = 0; k < viewLen; k++) {
      var i = view[k];
      lines.push(cols.map(function (c) { return q(c[1](i)); }).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }
  function downloadCsv() {
    var url = URL.createObjectURL(new Blob([csvText()], { type: 'text/csv' }));
    var a = h('a', { href: url, download: (D.title || 'synfin').replace(/[^\w.-]+/g, '_').slice(0, 60) + '-connections.csv' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function setFilter(text) {
    inputEl.value = text;
    filterText = text;
    applyView();
    document.getElementById('flows').scrollIntoView({ block: 'start', behavior: 'smooth' });
  }
  function setGroupFilter(label, ids) {
    groupFilter = { ids: new Set(ids) };
    chipEl.textContent = '';
    chipEl.appendChild(h('span', { class: 'chip' }, label, h('button', { title: 'Remove', 'aria-label': 'Remove', text: '×', onclick: function () { groupFilter = null; chipEl.textContent = ''; applyView(); } })));
    applyView();
    document.getElementById('flows').scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  function onKey(ev) {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    if (!viewLen) return;
    ev.preventDefault();
    var pos = -1;
    for (var k = 0; k < viewLen; k++) if (view[k] === selected) { pos = k; break; }
    pos = ev.key === 'ArrowDown' ? Math.min(viewLen - 1, pos + 1) : Math.max(0, pos - 1);
    var headH = 33;
    var y = pos * ROW_H;
    if (y < gridEl.scrollTop) gridEl.scrollTop = y;
    else if (y + ROW_H + headH > gridEl.scrollTop + gridEl.clientHeight) gridEl.scrollTop = y + ROW_H + headH - gridEl.clientHeight;
    select(view[pos], false);
  }

  // ---------- connection detail ----------
  var detailEl;
  function select(i, scroll) {
    selected = i;
    renderRows();
    renderDetail(i);
    try { history.replaceState(null, '', '#flow=' + F.id[i]); } catch (e) { /* file:// in some browsers */ }
    if (scroll) detailEl.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  function fact(k, v) { return h('div', null, h('div', { class: 'k', text: k }), h('div', { class: 'v' }, v)); }

  function renderDetail(i) {
    dropPlots(detailEl);
    detailEl.textContent = '';
    detailEl.hidden = false;
    var proto = PROTOS[F.proto[i]];
    var isTcp = proto === 'tcp';
    detailEl.appendChild(h('div', { class: 'head' },
      h('h2', { text: 'Connection #' + F.id[i] }),
      h('span', { class: 'ep' }, clientEp(i), ' → ', serverEp(i)),
      h('span', { class: 'note', text: proto + (F.svc[i] >= 0 ? ' · ' + S[F.svc[i]] : '') }),
      h('a', { onclick: function () { gridEl.focus({ preventScroll: true }); document.getElementById('flows').scrollIntoView({ block: 'start', behavior: 'smooth' }); }, text: '↑ back to the table' })));
    var flags = [];
    var fl = F.fl[i];
    if (fl & FL.DIR) flags.push('client inferred (SYN not captured)');
    if (fl & FL.STATE) flags.push('states inferred (capture began mid-connection)');
    if (fl & FL.REUSE) flags.push('port reused while in TIME_WAIT');
    if (fl & FL.ICMP_REJ) flags.push('rejected by ICMP unreachable');
    if (fl & FL.RST_OOW) flags.push('RST outside the window (not applied)');
    if (fl & FL.HALF) flags.push('half-close: data after the first FIN');
    if (fl & FL.EVICTED) flags.push('evicted early by the connection limit (--max-connections)');
    var facts = h('div', { class: 'facts' });
    if (isTcp) {
      facts.appendChild(fact('Client state at end', [badge(stateName(F.cst[i]), 's-' + stateName(F.cst[i])), F.cage[i] >= 0 ? ' for ' + fmtDur(F.cage[i]) : '']));
      facts.appendChild(fact('Server state at end', [badge(stateName(F.sst[i]), 's-' + stateName(F.sst[i])), F.sage[i] >= 0 ? ' for ' + fmtDur(F.sage[i]) : '']));
    }
    facts.appendChild(fact('Teardown', badge(TEARDOWNS[F.td[i]], 't-' + TEARDOWNS[F.td[i]])));
    facts.appendChild(fact('Zeek', S[F.zs[i]] + (S[F.zh[i]] ? ' · ' + S[F.zh[i]] : '')));
    if (isTcp) facts.appendChild(fact('Handshake RTT', F.rtt[i] >= 0 ? fmtMs(F.rtt[i]) + ' ms' : (fl & FL.HS ? 'complete' : 'not complete')));
    facts.appendChild(fact('Start · duration', '+' + F.start[i].toFixed(6) + ' s · ' + (fmtDur(F.dur[i]) || '0')));
    facts.appendChild(fact('Packets → / ←', fmtInt(F.pc[i]) + ' / ' + fmtInt(F.ps[i])));
    facts.appendChild(fact('Bytes → / ←', fmtInt(F.bc[i]) + ' / ' + fmtInt(F.bs[i])));
    if (isTcp) facts.appendChild(fact('Retransmissions → / ←', F.rc[i] + ' / ' + F.rs[i] + (F.dup[i] ? ' · ' + F.dup[i] + ' dup ACKs' : '') + (F.lost[i] ? ' · ' + F.lost[i] + ' not captured' : '')));
    if (isTcp && F.zw[i] > 0) facts.appendChild(fact('Zero window', fmtDur(F.zw[i])));
    if (isTcp && (F.soc[i] >= 0 || F.sos[i] >= 0)) {
      facts.appendChild(fact('SYN options client / server', (F.soc[i] >= 0 ? S[F.soc[i]] : 'SYN not seen') + ' / ' + (F.sos[i] >= 0 ? S[F.sos[i]] : 'SYN-ACK not seen')));
    }
    if (flags.length) facts.appendChild(fact('Notes', flags.join('; ')));
    detailEl.appendChild(facts);
    if (F.tn[i]) detailEl.appendChild(statesBlock(i));

    var n = F.en[i], off = F.eo[i];
    var total = F.pc[i] + F.ps[i];
    if (fl & FL.CUT) {
      var head = F.eh[i];
      var budgetText = ' (budget: ' + fmtInt(D.budget.perConnection) + ' per connection, ' + fmtInt(D.budget.maxEvents) + ' in all).';
      detailEl.appendChild(h('div', { class: 'alert', id: 'cut-note', text: n
        ? (head > 0
          ? 'Detail cut: the first ' + fmtInt(head) + ' and the last ' + fmtInt(n - head) + ' of ' + fmtInt(total) + ' packets are embedded; the ' + fmtInt(total - n) + ' between them are left out' + budgetText
          : 'Detail cut: the first ' + fmtInt(n) + ' of ' + fmtInt(total) + ' packets are embedded' + budgetText)
        : D.budget.embedded >= D.budget.maxEvents
          ? 'No packet detail embedded for this connection: the report\'s budget of ' + fmtInt(D.budget.maxEvents) + ' packets was spent on earlier connections.'
          : 'No packet detail was recorded for this connection.' }));
    }
    if (!n) return;

    var grid = h('div', { class: 'detail-grid' });
    var ladderBox = h('div', { class: 'ladder-box', id: 'ladder' });
    grid.appendChild(h('div', null, h('div', { class: 'graph' }, h('h3', null, 'Ladder', h('span', { class: 'sub', text: 'one arrow per packet; times relative to the first packet; states after each packet' })), ladderBox)));
    var right = h('div');
    grid.appendChild(right);
    detailEl.appendChild(grid);
    ladderBox.appendChild(ladder(i, off, n));
    if (!isTcp) {
      right.appendChild(h('div', { class: 'note', text: 'Sequence, window and in-flight graphs apply to TCP connections.' }));
      return;
    }
    var tsg = h('div', { class: 'plot', id: 'tsg' });
    var dirBtns = [h('button', { class: 'btn', text: 'client → server' }), h('button', { class: 'btn', text: 'server → client' })];
    right.appendChild(h('div', { class: 'graph' }, h('h3', null, 'Time-sequence (Stevens)', dirBtns[0], dirBtns[1],
      h('span', { class: 'sub', text: 'drag to zoom, double-click to reset; click a legend entry (e.g. ACK + window) to show or hide it' })), tsg));
    var wnd = h('div', { class: 'plot', id: 'wnd' });
    right.appendChild(h('div', { class: 'graph' }, h('h3', null, 'Advertised window and bytes in flight'), wnd));
    var dir = F.bs[i] > F.bc[i] ? 1 : 0;
    var gap = F.eh[i] > 0 && F.eh[i] < n ? [E.rel[off + F.eh[i] - 1], E.rel[off + F.eh[i]]] : null;
    function drawTsg() {
      dropPlots(tsg);
      tsg.textContent = '';
      dirBtns.forEach(function (b, k) { b.classList.toggle('on', k === dir); });
      seqGraph(tsg, off, n, dir, gap);
    }
    dirBtns.forEach(function (b, k) { b.addEventListener('click', function () { dir = k; drawTsg(); }); });
    requestAnimationFrame(function () { drawTsg(); windowGraph(wnd, off, n, gap); });
  }

  function ladder(i, off, n) {
    var W = 760, XT = 8, XC = 210, XS = 640, TOP = 64, ROW = 40;
    var gapAt = F.eh[i] > 0 && F.eh[i] < n ? F.eh[i] : -1;
    var hidden = F.pc[i] + F.ps[i] - n;
    var H = TOP + (n + (gapAt >= 0 ? 1 : 0)) * ROW + 20;
    var svg = s('svg', { class: 'ladder', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Ladder diagram of connection ' + F.id[i] });
    var defs = s('defs', {});
    svg.appendChild(defs);
    svg.appendChild(s('text', { x: XC, y: 18, 'text-anchor': 'middle', class: 'hdr' }, 'client'));
    svg.appendChild(s('text', { x: XC, y: 34, 'text-anchor': 'middle', class: 'hdr' }, clientEp(i)));
    svg.appendChild(s('text', { x: XS, y: 18, 'text-anchor': 'middle', class: 'hdr' }, 'server'));
    svg.appendChild(s('text', { x: XS, y: 34, 'text-anchor': 'middle', class: 'hdr' }, serverEp(i)));
    svg.appendChild(s('text', { x: XT, y: 34, class: 'time' }, 'time (s)'));
    svg.appendChild(s('line', { x1: XC, y1: TOP - 14, x2: XC, y2: H - 6, class: 'col' }));
    svg.appendChild(s('line', { x1: XS, y1: TOP - 14, x2: XS, y2: H - 6, class: 'col' }));
    var isTcp = PROTOS[F.proto[i]] === 'tcp';
    var prevC = -1, prevS = -1;
    for (var k = 0; k < n; k++) {
      var e = off + k;
      if (k === gapAt) {
        var gy = TOP + k * ROW;
        var gap = s('g', { class: 'gap' });
        gap.appendChild(s('rect', { x: 4, y: gy - 6, width: W - 8, height: ROW - 8, rx: 4, fill: '#f4f5f7', stroke: '#d5d9e0', 'stroke-dasharray': '4 3' }));
        gap.appendChild(s('text', { x: W / 2, y: gy + 15, 'text-anchor': 'middle', class: 'time' }, '… ' + fmtInt(hidden) + ' packet' + (hidden === 1 ? '' : 's') + ' not embedded (report budget) …'));
        svg.appendChild(gap);
      }
      var y = TOP + (k + (gapAt >= 0 && k >= gapAt ? 1 : 0)) * ROW;
      var fromC = E.from[e] === 0;
      var x1 = fromC ? XC : XS, x2 = fromC ? XS : XC;
      var f = E.flags[e];
      var notes = noteText(E.notes[e]);
      var retr = (E.notes[e] & (NOTE_RETR | NOTE_SYN_RETR)) !== 0;
      var color = f & TCP.RST ? '#d0353a' : f & TCP.SYN ? '#1e9e57' : f & TCP.FIN ? '#6a2d99' : E.len[e] > 0 ? '#2458d6' : '#7b8494';
      var g = s('g', { class: 'arrow', 'data-frame': E.frame[e] });
      var y1 = y + 4, y2 = y + 20;
      g.appendChild(s('line', { x1: x1, y1: y1, x2: x2 - (x2 > x1 ? 2 : -2), y2: y2, stroke: color, 'stroke-width': 1.6, 'stroke-dasharray': retr ? '5 3' : null }));
      // arrow head: along the line direction
      var ang = Math.atan2(y2 - y1, x2 - x1);
      var hx = x2, hy = y2, L = 9, A = 0.38;
      g.appendChild(s('polygon', { points: hx + ',' + hy + ' ' + (hx - L * Math.cos(ang - A)) + ',' + (hy - L * Math.sin(ang - A)) + ' ' + (hx - L * Math.cos(ang + A)) + ',' + (hy - L * Math.sin(ang + A)), fill: color }));
      // The label of `synfin trace` (src/report/ladder.ts arrowLabel): flags, seq, ack, len, win.
      var label = isTcp
        ? (flagText(f) || '-') + ' seq=' + E.seq[e] + (f & TCP.ACK ? ' ack=' + E.ack[e] : '') + ' len=' + E.len[e] + ' win=' + E.win[e]
        : 'len=' + E.len[e];
      var mid = (XC + XS) / 2;
      g.appendChild(s('text', { x: mid, y: y + 3, 'text-anchor': 'middle', class: 'lab', fill: color === '#7b8494' ? '#3b4352' : color }, label));
      if (notes.length) g.appendChild(s('text', { x: mid, y: y + 28, 'text-anchor': 'middle', class: 'noteline' }, notes.join(', ')));
      g.appendChild(s('text', { x: XT, y: y + 8, class: 'time' }, E.rel[e].toFixed(6)));
      g.appendChild(s('text', { x: XT, y: y + 20, class: 'time' }, '#' + E.frame[e]));
      var tip = 'frame ' + E.frame[e] + ' at +' + E.rel[e].toFixed(6) + ' s, ' + (fromC ? 'client → server' : 'server → client') + '\n' + label +
        (E.infl[e] >= 0 ? '\nbytes in flight ' + E.infl[e] : '') + (notes.length ? '\n' + notes.join(', ') : '') +
        (isTcp ? '\nclient ' + stateName(E.cst[e]) + ', server ' + stateName(E.sst[e]) : '');
      g.appendChild(s('title', {}, tip));
      svg.appendChild(g);
      if (isTcp) {
        // States after the packet, written beside each column when they change.
        if (E.cst[e] !== prevC && E.cst[e] !== 0) {
          svg.appendChild(s('text', { x: XC - 8, y: y2 + 4, 'text-anchor': 'end', class: 'state', fill: stateColor(E.cst[e]) }, stateName(E.cst[e])));
          prevC = E.cst[e];
        }
        if (E.sst[e] !== prevS && E.sst[e] !== 0) {
          svg.appendChild(s('text', { x: XS + 8, y: y2 + 4, 'text-anchor': 'start', class: 'state', fill: stateColor(E.sst[e]) }, stateName(E.sst[e])));
          prevS = E.sst[e];
        }
      }
    }
    return svg;
  }
  /** Scroll the ladder to the arrow of `frame` and flash it (when that packet is embedded). */
  function showFrame(frame) {
    var box = document.getElementById('ladder');
    var g = box && box.querySelector('.arrow[data-frame="' + frame + '"]');
    if (!g) return;
    var prev = box.querySelector('.arrow.hl');
    if (prev) prev.classList.remove('hl');
    g.classList.add('hl');
    var top = g.getBBox().y - 60;
    box.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
    box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  var STATE_BG = {
    ESTABLISHED: '#d7efdf', CLOSED: '#e6e9ee', TIME_WAIT: '#dbe5fb', CLOSE_WAIT: '#fbe1c4', LAST_ACK: '#fbe1c4', CLOSING: '#fbe1c4',
    FIN_WAIT_1: '#ecdcfb', FIN_WAIT_2: '#ecdcfb', SYN_SENT: '#faedb5', SYN_RECEIVED: '#faedb5', LISTEN: '#e6e9ee'
  };

  /**
   * Both sides' states over the connection's life, from its transitions: one lane per side, a block per state.
   * The time axis is ordinal (one step per transition) so that a 40 µs handshake and a 4-minute CLOSE_WAIT are
   * both readable; each block says how long it lasted. The last state lasts until the end of the capture.
   */
  function statesBlock(i) {
    var n = F.tn[i], off = F.to[i];
    var capEnd = Math.max(sum.span - F.start[i], F.dur[i], T.t[off + n - 1]);
    var times = [];
    for (var k = 0; k < n; k++) times.push(T.t[off + k]);
    times.sort(function (a, b) { return a - b; });
    times = times.filter(function (t, j) { return j === 0 || t !== times[j - 1]; });
    var W = Math.max(600, Math.floor(detailEl.clientWidth) - 56), LX = 64, RX = 12, LANE = 30, Y0 = 8, GAP = 10;
    var slot = (W - LX - RX) / times.length;
    function xOf(t) {
      if (t >= capEnd && t > times[times.length - 1]) return W - RX;
      var lo = 0, hi = times.length - 1;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
      return LX + lo * slot;
    }
    var H = Y0 + 2 * LANE + GAP + 30;
    var svg = s('svg', { class: 'timeline', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': 'States of both sides over time' });
    [0, 1].forEach(function (side) {
      var y = Y0 + side * (LANE + GAP);
      svg.appendChild(s('text', { x: 0, y: y + LANE / 2 + 4, class: 'lane' }, side ? 'server' : 'client'));
      var mine = [];
      for (var k = 0; k < n; k++) if (T.side[off + k] === side) mine.push(off + k);
      mine.sort(function (a, b) { return T.t[a] - T.t[b] || a - b; });
      mine.forEach(function (e, j) {
        var t0 = T.t[e], t1 = j + 1 < mine.length ? T.t[mine[j + 1]] : capEnd;
        var x0 = xOf(t0), x1 = j + 1 < mine.length ? xOf(t1) : W - RX;
        if (x1 - x0 < 1) x1 = x0 + 1;
        var st = STATES[T.to[e]] || '?';
        var g = s('g', { class: 'tl-seg', 'data-side': side ? 'server' : 'client', 'data-state': st });
        g.addEventListener('click', function () { showFrame(T.frame[e]); });
        g.appendChild(s('rect', { x: x0, y: y, width: x1 - x0, height: LANE, rx: 3, fill: STATE_BG[st] || '#eef0f3', stroke: '#fff', 'stroke-width': 2 }));
        var label = st + ' · ' + (fmtDur(t1 - t0) || '0 s') + (j + 1 < mine.length ? '' : '+');
        var fits = (x1 - x0) > label.length * 6.4 + 8;
        var short = (x1 - x0) > st.length * 6.4 + 8;
        if (fits || short) g.appendChild(s('text', { x: (x0 + x1) / 2, y: y + LANE / 2 + 4, 'text-anchor': 'middle', fill: stateColor(T.to[e]), class: 'seg' }, fits ? label : st));
        g.appendChild(s('title', {}, (side ? 'server ' : 'client ') + stateName(T.from[e]) + ' → ' + st + ' at +' + t0.toFixed(6) + ' s (frame ' + T.frame[e] + ')' +
          (T.inf[e] ? ', inferred' : '') + (T.cause[e] >= 0 ? '\n' + S[T.cause[e]] : '') + '\nin ' + st + ' for ' + fmtDur(t1 - t0) + (j + 1 < mine.length ? '' : ' (until the end of the capture)')));
        svg.appendChild(g);
      });
    });
    // Time ticks under the lanes, thinned when crowded.
    var every = Math.max(1, Math.ceil(70 / slot));
    var ty = Y0 + 2 * LANE + GAP + 16;
    times.forEach(function (t, j) {
      var x = LX + j * slot;
      svg.appendChild(s('line', { x1: x, y1: Y0, x2: x, y2: ty - 10, stroke: '#c4cad4', 'stroke-dasharray': '2 3' }));
      if (j % every === 0) svg.appendChild(s('text', { x: x, y: ty, 'text-anchor': j === 0 ? 'start' : 'middle', class: 'tick' }, fmtOffset(t)));
    });
    svg.appendChild(s('text', { x: W - RX, y: ty, 'text-anchor': 'end', class: 'tick' }, 'capture end ' + fmtOffset(capEnd)));

    var rows = h('table', { class: 'plain', id: 'transitions' });
    rows.appendChild(h('tr', null, h('th', { class: 'n', text: 'Time' }), h('th', { class: 'n', text: 'Frame' }), h('th', { text: 'Side' }),
      h('th', { text: 'From' }), h('th', { text: 'To' }), h('th', { text: 'Caused by' })));
    var idx = [];
    for (var q = 0; q < n; q++) idx.push(off + q);
    idx.sort(function (a, b) { return T.t[a] - T.t[b] || a - b; });
    idx.forEach(function (e) {
      rows.appendChild(h('tr', { class: 'click', title: 'Show this packet in the ladder', onclick: function () { showFrame(T.frame[e]); } }, h('td', { class: 'n mono', text: '+' + T.t[e].toFixed(6) }), h('td', { class: 'n', text: '#' + T.frame[e] }),
        h('td', { text: T.side[e] ? 'server' : 'client' }), h('td', null, T.from[e] ? badge(stateName(T.from[e]), 's-' + stateName(T.from[e])) : '—'),
        h('td', null, badge(stateName(T.to[e]), 's-' + stateName(T.to[e]))),
        h('td', { class: 'mono' }, T.cause[e] >= 0 ? S[T.cause[e]] : 'frame #' + T.frame[e], T.inf[e] ? h('span', { class: 'note', text: ' (inferred)' }) : null)));
    });
    return h('div', { class: 'graph', id: 'states' },
      h('h3', null, 'States over time', h('span', { class: 'sub', text: 'one step per transition; each block says how long the side stayed in that state' })),
      h('div', { class: 'plot tl-box' }, svg),
      h('details', null, h('summary', { text: n + ' state transition' + (n === 1 ? '' : 's') }), rows));
  }

  function stateColor(k) {
    var st = STATES[k];
    if (st === 'ESTABLISHED') return '#17683d';
    if (st === 'TIME_WAIT') return '#2a4aa0';
    if (st === 'CLOSE_WAIT' || st === 'LAST_ACK' || st === 'CLOSING') return '#8a4b00';
    if (st === 'FIN_WAIT_1' || st === 'FIN_WAIT_2') return '#6a2d99';
    if (st === 'SYN_SENT' || st === 'SYN_RECEIVED') return '#725c00';
    return '#4b5565';
  }

  /** uPlot hook: shade the time between the first and the last embedded packets, where packets were left out. */
  function gapHook(gap) {
    return function (u) {
      if (!gap) return;
      var x0 = u.valToPos(gap[0], 'x', true), x1 = u.valToPos(gap[1], 'x', true);
      var l = Math.max(x0, u.bbox.left), r = Math.min(x1, u.bbox.left + u.bbox.width);
      if (r <= l) return;
      var ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = 'rgba(120,130,150,0.12)';
      ctx.fillRect(l, u.bbox.top, r - l, u.bbox.height);
      ctx.fillStyle = '#7b8494';
      ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
      ctx.textAlign = 'center';
      if (r - l > 70 * devicePixelRatio) ctx.fillText('not embedded', (l + r) / 2, u.bbox.top + 14 * devicePixelRatio);
      ctx.restore();
    };
  }

  function eventOrder(off, n) {
    var idx = [];
    for (var k = 0; k < n; k++) idx.push(off + k);
    idx.sort(function (a, b) { return E.rel[a] - E.rel[b] || a - b; });
    return idx;
  }

  function seqGraph(el, off, n, dir, gap) {
    // Sender `dir`'s segments (sequence numbers in its space) and the ACKs and window the other side returned.
    var idx = eventOrder(off, n);
    var x = [], top = [], retr = [], ack = [], lim = [], bottom = [];
    var any = false;
    idx.forEach(function (e) {
      x.push(E.rel[e]);
      var f = E.flags[e];
      if (E.from[e] === dir) {
        var adv = E.len[e] + (f & TCP.SYN ? 1 : 0) + (f & TCP.FIN ? 1 : 0);
        var isRetr = (E.notes[e] & (NOTE_RETR | NOTE_SYN_RETR)) !== 0;
        if (adv > 0) any = true;
        top.push(adv > 0 && !isRetr ? E.seq[e] + adv : null);
        retr.push(adv > 0 && isRetr ? E.seq[e] + adv : null);
        bottom.push(adv > 0 ? E.seq[e] : null);
        ack.push(null); lim.push(null);
      } else {
        top.push(null); retr.push(null); bottom.push(null);
        var hasAck = (f & TCP.ACK) !== 0;
        ack.push(hasAck ? E.ack[e] : null);
        lim.push(hasAck ? E.ack[e] + E.win[e] : null);
      }
    });
    if (!any) { el.appendChild(h('div', { class: 'empty', text: 'This direction sent no data (no segment that uses sequence space).' })); }
    var opts = {
      width: widthOf(el), height: 300,
      scales: { x: { time: false } },
      axes: [{ label: 'time since the connection\'s first packet', labelSize: 18, size: 36, incrs: TIME_INCRS, values: function (u, sp) { return clockTicks(sp); } },
        { label: 'relative sequence number', labelSize: 18, size: 56, values: function (u, sp) { return sp.map(fmtSi); } }],
      series: [
        { label: 'time (s)', value: function (u, v) { return v == null ? '' : v.toFixed(6); } },
        { label: 'segment', stroke: '#2458d6', width: 0, paths: function () { return null; }, points: { show: true, size: 5, fill: '#2458d6', stroke: '#2458d6' } },
        { label: 'retransmission', stroke: '#d0353a', width: 0, paths: function () { return null; }, points: { show: true, size: 7, fill: '#d0353a', stroke: '#d0353a' } },
        { label: 'ACK', stroke: '#1e9e57', width: 1.5, spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: 'ACK + window', show: false, stroke: '#c99a00', width: 1.2, dash: [4, 3], spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }
      ],
      hooks: {
        drawClear: [gapHook(gap)],
        draw: [function (u) {
          // tcptrace I-beams: a vertical bar from the segment's first to its last sequence number.
          var ctx = u.ctx;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          ctx.clip();
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          for (var k = 0; k < x.length; k++) {
            var t = top[k] != null ? top[k] : retr[k];
            if (t == null) continue;
            var px = u.valToPos(x[k], 'x', true);
            ctx.strokeStyle = top[k] != null ? '#2458d6' : '#d0353a';
            ctx.beginPath();
            ctx.moveTo(px, u.valToPos(bottom[k], 'y', true));
            ctx.lineTo(px, u.valToPos(t, 'y', true));
            ctx.stroke();
          }
          ctx.restore();
        }]
      }
    };
    trackPlot(new uPlot(opts, [x, top, retr, ack, lim], el), el);
  }

  function windowGraph(el, off, n, gap) {
    var idx = eventOrder(off, n);
    var x = [], cw = [], sw = [], cf = [], sf = [];
    idx.forEach(function (e) {
      x.push(E.rel[e]);
      var fromC = E.from[e] === 0;
      cw.push(fromC ? E.win[e] : null);
      sw.push(fromC ? null : E.win[e]);
      var fl = E.infl[e] >= 0 ? E.infl[e] : null;
      cf.push(fromC ? fl : null);
      sf.push(fromC ? null : fl);
    });
    var step = uPlot.paths.stepped({ align: 1 });
    var opts = {
      width: widthOf(el), height: 240,
      scales: { x: { time: false } },
      axes: [{ label: 'time since the connection\'s first packet', labelSize: 18, size: 36, incrs: TIME_INCRS, values: function (u, sp) { return clockTicks(sp); } },
        { label: 'bytes', labelSize: 18, size: 56, values: function (u, sp) { return sp.map(fmtSi); } }],
      series: [
        { label: 'time (s)', value: function (u, v) { return v == null ? '' : v.toFixed(6); } },
        { label: 'client window', stroke: C_CLIENT, width: 1.6, spanGaps: true, paths: step, points: { show: false } },
        { label: 'server window', stroke: C_SERVER, width: 1.6, spanGaps: true, paths: step, points: { show: false } },
        { label: 'client in flight', stroke: '#7ea3f2', fill: 'rgba(36,88,214,0.08)', width: 1.2, spanGaps: true, paths: step, points: { show: false } },
        { label: 'server in flight', stroke: '#f0a070', fill: 'rgba(217,72,15,0.08)', width: 1.2, spanGaps: true, paths: step, points: { show: false } }
      ],
      hooks: { drawClear: [gapHook(gap)] }
    };
    trackPlot(new uPlot(opts, [x, cw, sw, cf, sf], el), el);
  }

  // ---------- page ----------
  renderSummary();
  renderCharts();
  renderStuck();
  renderTable();
  detailEl = h('section', { class: 'panel', id: 'detail', hidden: true });
  append(app, detailEl);
  renderCapture();
  var m = /^#flow=(\d+)$/.exec(location.hash);
  if (m) {
    for (var q = 0; q < N; q++) if (F.id[q] === +m[1]) { select(q, true); break; }
  }
  document.documentElement.setAttribute('data-ready', '1');
  });
})();
