import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * The local runtime's read-only page: the campaign list, and per campaign its
 * rates over time, bounces by category, provider and batch/source as SVG
 * charts, and its findings. Plain HTML and a small script over the same API
 * the CLI uses; no build step, nothing loaded from elsewhere.
 */
export const WEB_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bounce pipeline: campaigns</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; }
  header h1 { font-size: 17px; margin: 0; }
  main { display: grid; grid-template-columns: minmax(420px, 1fr) 2.4fr; gap: 16px; padding: 16px 20px; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 12px 14px; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f3; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  tr.campaign { cursor: pointer; }
  tr.campaign.selected { background: #e8f0fe; }
  .verdict { font-weight: 600; text-transform: uppercase; font-size: 12px; }
  .ok { color: #17803d; } .warning { color: #b26a00; } .danger { color: #c62828; }
  .figures { display: flex; gap: 24px; flex-wrap: wrap; margin-bottom: 8px; }
  .figure b { display: block; font-size: 20px; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  .chart h3 { font-size: 13px; margin: 4px 0; }
  .finding { border-left: 4px solid #999; padding: 6px 10px; margin: 8px 0; background: #fafbfc; }
  .finding.warning { border-color: #b26a00; } .finding.danger { border-color: #c62828; }
  .finding .numbers { color: #555; font-size: 12px; }
  .empty { color: #666; }
  .note { color: #555; font-size: 12px; flex-basis: 100%; }
  svg text { font-size: 11px; fill: #333; }
</style>
</head>
<body>
<header><h1>Bounce pipeline: campaign health (last <span id="hours">72</span> hours)</h1></header>
<main>
  <section><h2>Campaigns</h2><div id="campaigns" class="empty">Loading…</div></section>
  <section id="detail"><h2 id="title">Select a campaign</h2>
    <div id="figures" class="figures"></div>
    <h2>Findings</h2><div id="findings" class="empty"></div>
    <div class="charts">
      <div class="chart"><h3>Rates over time (% per hour)</h3>
        <svg id="chart-rates" width="100%" height="180" viewBox="0 0 420 180"></svg></div>
      <div class="chart"><h3>Bounces by category</h3>
        <svg id="chart-category" width="100%" height="180" viewBox="0 0 420 180"></svg></div>
      <div class="chart"><h3>Bounces by provider</h3>
        <svg id="chart-provider" width="100%" height="180" viewBox="0 0 420 180"></svg></div>
      <div class="chart"><h3>Bounces by batch and source</h3>
        <svg id="chart-list" width="100%" height="180" viewBox="0 0 420 180"></svg></div>
    </div>
  </section>
</main>
<script>
const HOURS = Number(new URLSearchParams(location.search).get('hours')) || 72;
document.getElementById('hours').textContent = HOURS;
const pct = (x) => (x * 100).toFixed(2) + ' %';
// An estimate as countText (shared/domain/health.ts) writes it: 3 figures, ≈, ± its relative error.
const approx = (v, e) => {
  if (!(e > 0)) return String(v);
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, v))) - 2);
  return '≈' + (Math.round(v / unit) * unit).toLocaleString('en-US') + ' (±' + Math.max(1, Math.round((e / Math.max(1, v)) * 100)) + ' %)';
};
const count = (report, name) => report.estimates && report.estimates[name] ? report.estimates[name].text : String(report[name]);
const early = (report) => report.evidence === 'too-early' || report.evidence === 'no-sends';
const shownVerdict = (report) => report.verdict === 'ok' && early(report) ? 'too early to tell' : report.verdict;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const api = async (path) => {
  const response = await fetch(path);
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  return response.json();
};
const SVG = 'http://www.w3.org/2000/svg';
function el(parent, name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}
function lineChart(svg, points, series) {
  svg.innerHTML = '';
  svg.dataset.points = String(points.length);
  if (points.length === 0) { el(svg, 'text', { x: 10, y: 20 }, 'no data'); return; }
  const w = 420, h = 180, left = 40, bottom = 24, top = 10;
  const max = Math.max(0.001, ...points.flatMap((p) => series.map((s) => p[s.key])));
  const x = (i) => left + (points.length === 1 ? (w - left) / 2 : (i * (w - left - 10)) / (points.length - 1));
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  el(svg, 'line', { x1: left, y1: y(0), x2: w, y2: y(0), stroke: '#bbb' });
  el(svg, 'text', { x: 2, y: y(max) + 4 }, (max * 100).toFixed(1) + '%');
  el(svg, 'text', { x: left, y: h - 6 }, points[0].hour.slice(5) + 'h');
  el(svg, 'text', { x: w - 70, y: h - 6 }, points[points.length - 1].hour.slice(5) + 'h');
  series.forEach((s, si) => {
    const line = points.map((p, i) => x(i) + ',' + y(p[s.key])).join(' ');
    el(svg, 'polyline', { class: 'series', fill: 'none', stroke: s.color, 'stroke-width': 2, points: line });
    for (const [i, p] of points.entries()) el(svg, 'circle', { cx: x(i), cy: y(p[s.key]), r: 2.5, fill: s.color });
    el(svg, 'text', { x: left + 10 + si * 150, y: 12, fill: s.color }, s.label);
  });
}
function barChart(svg, rows, label) {
  svg.innerHTML = '';
  const shown = rows.slice(0, 7);
  svg.dataset.bars = String(shown.length);
  if (shown.length === 0) { el(svg, 'text', { x: 10, y: 20 }, 'no bounces'); return; }
  const total = (r) => r.hardBounces + r.softBounces + r.blocks;
  const max = Math.max(1, ...shown.map(total));
  const colors = [['hardBounces', '#c62828'], ['softBounces', '#e0a100'], ['blocks', '#5c6bc0']];
  shown.forEach((r, i) => {
    const y = 6 + i * 24;
    el(svg, 'text', { x: 2, y: y + 13 }, label(r).slice(0, 22));
    let x = 150;
    for (const [key, color] of colors) {
      const width = (r[key] / max) * 230;
      if (width > 0) el(svg, 'rect', { class: 'bar', x, y, width, height: 16, fill: color }, undefined);
      x += width;
    }
    el(svg, 'text', { x: x + 4, y: y + 13 }, String(total(r)));
  });
}
async function showCampaign(name) {
  document.querySelectorAll('tr.campaign').forEach((tr) => tr.classList.toggle('selected', tr.dataset.campaign === name));
  const enc = encodeURIComponent(name);
  const [health, series] = await Promise.all([
    api('campaigns/' + enc + '/health?hours=' + HOURS),
    api('campaigns/' + enc + '/series?hours=' + HOURS),
  ]);
  document.getElementById('title').innerHTML =
    esc(name) + ' <span class="verdict ' + health.verdict + '">' + esc(shownVerdict(health)) + '</span>';
  document.getElementById('figures').innerHTML = [
    ['sends', count(health, 'sends')], ['hard bounces', count(health, 'hardBounces')],
    ['hard-bounce rate', health.evidence === 'no-sends' ? 'no sends' : pct(health.hardBounceRate)],
    ['at least (95 %)', early(health) ? 'too early to tell' : pct(health.hardBounceRateLowerBound)],
    ['complaint rate', pct(health.complaintRate)], ['soft bounces', count(health, 'softBounces')], ['blocks', count(health, 'blocks')],
  ].map(([k, v]) => '<div class="figure"><b>' + esc(v) + '</b>' + esc(k) + '</div>').join('') +
    (health.evidenceNote ? '<div class="note" id="evidence">' + esc(health.evidenceNote) + '</div>' : '') +
    (health.estimated
      ? '<div class="note" id="estimated">≈: an estimate (above 100 events in a counter-hour), ± one standard error.</div>'
      : '');
  const findings = document.getElementById('findings');
  findings.className = health.findings.length ? '' : 'empty';
  findings.innerHTML = health.findings.length ? health.findings.map((f) =>
    '<div class="finding ' + f.verdict + '" data-pattern="' + esc(f.pattern) + '">' +
    '<span class="verdict ' + f.verdict + '">' + f.verdict + '</span> <b>' + esc(f.pattern) + '</b>: ' + esc(f.summary) +
    '<div class="numbers">' + Object.entries(f.numbers)
      .filter(([k]) => !(k.endsWith('Error') && k.slice(0, -5) in f.numbers))
      .map(([k, v]) => esc(k) + ' ' +
        esc(typeof v === 'number' && /rate|share|lowerBound/.test(k) ? pct(v) : approx(v, f.numbers[k + 'Error'])))
      .join(', ') + '</div>' +
    '<div><i>What to do:</i> ' + esc(f.action) + '</div></div>').join('') : 'No findings.';
  lineChart(document.getElementById('chart-rates'), series.hours, [
    { key: 'hardBounceRate', label: 'hard-bounce rate', color: '#c62828' },
    { key: 'complaintRate', label: 'complaint rate', color: '#6a1b9a' },
  ]);
  barChart(document.getElementById('chart-category'), series.breakdowns.category, (r) => r.key);
  barChart(document.getElementById('chart-provider'), series.breakdowns.provider, (r) => r.key);
  barChart(document.getElementById('chart-list'), [
    ...series.breakdowns.batch.map((r) => ({ ...r, key: 'batch ' + r.key })),
    ...series.breakdowns.source.map((r) => ({ ...r, key: 'source ' + r.key })),
  ], (r) => r.key);
  document.body.dataset.ready = name;
}
async function load() {
  const { campaigns } = await api('campaigns?hours=' + HOURS);
  const list = document.getElementById('campaigns');
  if (campaigns.length === 0) {
    list.textContent = 'No campaign in the last ' + HOURS + ' hours.';
    document.body.dataset.ready = '';
    return;
  }
  list.className = '';
  list.innerHTML = '<table><thead><tr><th>campaign</th><th>sends</th><th>hard</th><th>compl.</th><th>verdict</th></tr></thead><tbody>' +
    campaigns.map((c) => '<tr class="campaign" data-campaign="' + esc(c.campaign) + '">' +
      '<td>' + esc(c.campaign) + (c.paused ? ' (paused)' : '') + '</td><td class="n">' + esc(count(c, 'sends')) + '</td>' +
      '<td class="n">' + pct(c.hardBounceRate) + '</td><td class="n">' + pct(c.complaintRate) + '</td>' +
      '<td class="verdict ' + c.verdict + '">' + esc(shownVerdict(c)) + '</td></tr>').join('') +
    '</tbody></table>';
  list.querySelectorAll('tr.campaign').forEach((tr) => tr.addEventListener('click', () => showCampaign(tr.dataset.campaign)));
  await showCampaign(new URLSearchParams(location.search).get('campaign') || campaigns[0].campaign);
}
load().catch((error) => {
  document.getElementById('campaigns').textContent = 'Could not load: ' + error.message;
  document.body.dataset.ready = 'error';
});
</script>
</body>
</html>
`;

/** The API handler, plus the page at `/` (and `/index.html`). */
export function withWebPage(
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    if (event.httpMethod === 'GET' && (event.path === '/' || event.path === '/index.html')) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // The page loads nothing from elsewhere and talks only to this server.
          'content-security-policy':
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'",
        },
        body: WEB_PAGE,
      };
    }
    return handler(event);
  };
}
