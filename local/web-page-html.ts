import { DEFAULT_THRESHOLDS, HARD_BOUNCE_DANGER } from '../shared/domain/index.js';

/** SES may pause an account's sending above this complaint rate (it reviews it above 0.1 %). */
const SES_COMPLAINT_PAUSE = 0.005;

/** The lines the rate charts draw: the pipeline's danger line, SES's review and pause lines. */
const LINES = {
  hard: [{ value: HARD_BOUNCE_DANGER, label: 'danger: hard-bounce rate', short: 'danger', color: '#c62828' }],
  complaints: [
    { value: DEFAULT_THRESHOLDS.complaintDanger, label: 'SES reviews the account above', short: 'SES review', color: '#b26a00' },
    { value: SES_COMPLAINT_PAUSE, label: 'SES may pause sending above', short: 'SES pause', color: '#c62828' },
  ],
};

/** The page's icon (served at /favicon.svg and /favicon.ico): an envelope. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d2330"/>' +
  '<path d="M6 9h20v14H6z" fill="none" stroke="#fff" stroke-width="2"/>' +
  '<path d="M6 9l10 8 10-8" fill="none" stroke="#e0a100" stroke-width="2"/></svg>';

/** A chart's place: a heading and an SVG the script draws in (its heading is its accessible name). */
const chart = (id: string, title: string): string =>
  `<div><h3>${title}</h3><svg id="${id}" class="chart" role="img" aria-label="${title}"></svg></div>`;

/**
 * The local runtime's page: an account view (every campaign, the account's rates hour by hour), a
 * campaign view (figures, findings, rates and breakdowns as SVG charts), an address search (record,
 * evidence, history) and a release. Plain HTML and a small script over the API the CLI uses (the
 * address and release through /page/ routes that call it); no build step, nothing loaded from elsewhere.
 * The script avoids backslashes and backticks: it lives in a template literal.
 */
export function pageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="bounce-page-token" content="${token}">
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<title>Bounce pipeline: operator's desk</title>
<style>
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
  header { background: #1d2330; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; }
  header nav { display: flex; gap: 12px; flex-wrap: wrap; min-width: 0; }
  header nav a { color: #c9d6ff; overflow-wrap: anywhere; }
  header nav a[aria-current="page"] { color: #fff; font-weight: 600; text-decoration: none; }
  #search-form { display: flex; gap: 6px; flex: 1 1 220px; max-width: 460px; margin-left: auto; }
  #search { flex: 1; min-width: 0; padding: 5px 8px; border: 0; border-radius: 4px; font: inherit; }
  button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #8893a5; background: #fff; cursor: pointer; }
  button.danger { border-color: #c62828; color: #c62828; }
  #status { flex-basis: 100%; font-size: 12px; color: #c9cfdb; }
  main { padding: 12px 16px; max-width: 1500px; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 12px 14px; margin-bottom: 14px; min-width: 0; }
  h2 { font-size: 15px; margin: 0 0 8px; overflow-wrap: anywhere; }
  h3 { font-size: 13px; margin: 4px 0; }
  .period { color: #555; font-size: 12px; font-weight: normal; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); gap: 14px; }
  .table-wrap { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f3; overflow-wrap: break-word; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr.campaign { cursor: pointer; }
  tr.campaign:hover { background: #f0f4ff; }
  .verdict { font-weight: 600; text-transform: uppercase; font-size: 12px; }
  .ok { color: #17803d; } .warning { color: #b26a00; } .danger { color: #c62828; }
  .figures { display: flex; gap: 8px 24px; flex-wrap: wrap; margin-bottom: 8px; }
  .figure b { display: block; font-size: 20px; }
  .finding { border-left: 4px solid #999; padding: 6px 10px; margin: 8px 0; background: #fafbfc; overflow-wrap: anywhere; }
  .finding.warning { border-color: #b26a00; } .finding.danger { border-color: #c62828; }
  .finding .numbers { color: #555; font-size: 12px; }
  .empty { color: #666; }
  .note { color: #555; font-size: 12px; flex-basis: 100%; }
  /* Default text colour by inheritance only: a legend's own fill attribute wins. */
  svg.chart { width: 100%; height: auto; display: block; fill: #333; }
  svg.chart text { font-size: 11px; }
  svg.chart .threshold text { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
  svg.chart .point:hover, svg.chart .row:hover .bar { opacity: 0.75; }
  dl.record { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
  dl.record dt { color: #555; }
  dl.record dd { margin: 0; overflow-wrap: anywhere; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
  .badge { color: #fff; background: #607080; }
  .badge.suppressed { background: #c62828; } .badge.review { background: #b26a00; } .badge.released { background: #17803d; }
  .evidence { background: #fafbfc; border-left: 4px solid #5c6bc0; padding: 6px 10px; margin: 8px 0; overflow-wrap: anywhere; }
  ol.history { list-style: none; padding: 0; margin: 0; }
  ol.history li { border-bottom: 1px solid #eef0f3; padding: 6px 0; overflow-wrap: anywhere; }
  ol.history .when { color: #555; font-size: 12px; }
  ol.history .detail { font-size: 12px; color: #333; }
  #release-form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 8px; }
  #release-reason { flex: 1 1 200px; min-width: 0; padding: 4px 8px; font: inherit; }
  .message { margin-top: 6px; font-weight: 600; }
  @media (max-width: 640px) {
    header, main { padding: 8px; }
    .wide { display: none; }
    table { font-size: 12.5px; }
    th, td { padding: 3px 4px; }
    .figure b { font-size: 17px; }
    #search-form { max-width: none; margin-left: 0; flex-basis: 100%; }
  }
</style>
</head>
<body>
<header>
  <h1>Bounce pipeline</h1>
  <nav><a href="?" id="nav-account">All campaigns</a><a href="?" id="nav-campaign" hidden></a><a href="?" id="nav-address" hidden></a></nav>
  <form id="search-form" role="search">
    <input type="search" id="search" name="address" placeholder="Find an address" aria-label="Find an address"
      autocomplete="off" spellcheck="false" required>
    <button type="submit">Find</button>
  </form>
  <div id="status" aria-live="polite">Loading…</div>
</header>
<main>
  <div id="view-account" class="view">
    <section><h2>Account: all campaigns <span id="account-period" class="period"></span></h2>
      <div id="account-figures" class="figures"></div>
      <div class="grid">
        ${chart('account-hard', 'Hard-bounce rate per hour, all campaigns')}
        ${chart('account-complaints', 'Complaint rate per hour, all campaigns')}
      </div>
    </section>
    <section><h2>Campaigns</h2><div id="campaigns" class="table-wrap empty">Loading…</div></section>
  </div>
  <div id="view-campaign" class="view" hidden>
    <section><h2 id="title"></h2><div id="period" class="period"></div><div id="figures" class="figures"></div></section>
    <section><h2>Findings</h2><div id="findings" class="empty"></div></section>
    <section><div class="grid">
      ${chart('chart-hard', 'Hard-bounce rate per hour')}
      ${chart('chart-complaints', 'Complaint rate per hour')}
      ${chart('chart-category', 'Bounces and complaints by category')}
      ${chart('chart-provider', 'Bounces and complaints by provider')}
      ${chart('chart-list', 'Bounces and complaints by batch and source')}
    </div></section>
  </div>
  <div id="view-address" class="view" hidden>
    <section id="address"></section>
  </div>
</main>
<script>
'use strict';
const TOKEN = document.querySelector('meta[name="bounce-page-token"]').getAttribute('content');
const LINES = ${JSON.stringify(LINES)};
const params = new URLSearchParams(location.search);
const digits = (s) => s !== null && s !== '' && [...s].every((c) => c >= '0' && c <= '9');
// ?hours=N reads every list and campaign over the last N hours of the runtime's clock; without it, the API's defaults.
const HOURS = digits(params.get('hours')) ? Number(params.get('hours')) : null;
// ?refresh=S: seconds between refreshes (0: never).
const REFRESH = digits(params.get('refresh')) ? Number(params.get('refresh')) : 30;
const MAX_HOURS = 336;
const KEYS = ['hardBounces', 'softBounces', 'blocks', 'complaints'];
const COLORS = { hardBounces: '#c62828', softBounces: '#e0a100', blocks: '#5c6bc0', complaints: '#8e24aa' };
const NAMES = {
  hardBounces: ['hard bounce', 'hard bounces'], softBounces: ['soft bounce', 'soft bounces'],
  blocks: ['block', 'blocks'], complaints: ['complaint', 'complaints'],
};
const $ = (id) => document.getElementById(id);
const pct = (x) => (x * 100).toFixed(2) + ' %';
const axisPct = (x) => (x * 100).toFixed(x >= 0.1 ? 0 : x >= 0.01 ? 1 : 2) + '%';
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const plural = (key, n) => fmt(n) + ' ' + NAMES[key][Math.round(n) === 1 ? 0 : 1];
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const hourTime = (hour) => Date.parse(hour + ':00:00Z');
const hourLabel = (hour) => hour.slice(5, 10) + ' ' + hour.slice(11, 13) + 'h';
const when = (iso) => iso ? iso.slice(0, 19).replace('T', ' ') + ' UTC' : null;
const period = (from, to) => from === to ? hourLabel(from) + ' UTC' : hourLabel(from) + ' to ' + hourLabel(to) + ' UTC';
// An estimate as countText (shared/domain/health.ts) writes it: 3 figures, ≈, ± its relative error.
const approx = (v, e) => {
  if (!(e > 0)) return String(v);
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, v))) - 2);
  return '≈' + (Math.round(v / unit) * unit).toLocaleString('en-US') + ' (±' + Math.max(1, Math.round((e / Math.max(1, v)) * 100)) + ' %)';
};
const count = (report, name) => report.estimates && report.estimates[name] ? report.estimates[name].text : fmt(report[name]);
const early = (report) => report.evidence === 'too-early' || report.evidence === 'no-sends';
const shownVerdict = (report) => report.verdict === 'ok' && early(report) ? 'too early to tell' : report.verdict;
const windowQuery = () => HOURS ? '?hours=' + HOURS : '';
async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || path + ': HTTP ' + response.status);
  return body;
}
const SVG = 'http://www.w3.org/2000/svg';
function el(parent, name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}
const tip = (node, text) => el(node, 'title', {}, text);
function figures(target, items, notes) {
  target.innerHTML = items.map(([k, v]) => '<div class="figure"><b>' + esc(v) + '</b>' + esc(k) + '</div>').join('') +
    notes.filter(Boolean).map(([id, text]) => '<div class="note" id="' + id + '">' + esc(text) + '</div>').join('');
}

// A legend row in the items' own colours: a swatch (dashed for a threshold line) and the label.
function legend(svg, items, w) {
  let x = 2, y = 12;
  for (const item of items) {
    const width = 22 + item.label.length * 6;
    if (x > 2 && x + width > w) { x = 2; y += 14; }
    const g = el(svg, 'g', { class: 'legend' });
    const dash = { stroke: item.color, 'stroke-width': 2, 'stroke-dasharray': '4 2' };
    if (item.dashed) el(g, 'line', { x1: x, x2: x + 14, y1: y - 4, y2: y - 4, ...dash });
    else el(g, 'rect', { x, y: y - 9, width: 12, height: 10, fill: item.color });
    el(g, 'text', { x: x + 17, y, fill: item.color }, item.label);
    x += width;
  }
  return y + 10;
}

// One rate hour by hour, its threshold lines dashed, each hour's figures on hover.
function lineChart(svg, allPoints, series, lines) {
  svg.innerHTML = '';
  const points = allPoints.filter((p) => p.sends > 0); // an hour without sends has no rate
  svg.dataset.points = String(points.length);
  const w = 420, h = 210, left = 44, right = 10, bottom = 30;
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  const top = legend(svg, [{ label: series.label, color: series.color }].concat(
    lines.map((l) => ({ label: pct(l.value) + ' ' + l.short, color: l.color, dashed: true }))), w) + 6;
  if (points.length === 0) {
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + (top + 24));
    el(svg, 'text', { x: left, y: top + 14 }, 'no sends in this period');
    return;
  }
  const max = Math.max(0.0001, ...points.map((p) => p[series.key]), ...lines.map((l) => l.value * 1.25));
  const t0 = hourTime(points[0].hour), t1 = hourTime(points[points.length - 1].hour);
  const plotW = w - left - right, plotH = h - top - bottom;
  const x = (hour) => t1 === t0 ? left + plotW / 2 : left + ((hourTime(hour) - t0) / (t1 - t0)) * plotW;
  const y = (v) => top + plotH * (1 - v / max);
  for (const v of [0, max / 2, max]) {
    el(svg, 'line', { x1: left, x2: w - right, y1: y(v), y2: y(v), stroke: '#e3e6ea' });
    el(svg, 'text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end' }, axisPct(v));
  }
  // The first and last hours, and the one nearest the middle of the period if its label has room.
  const first = points[0], last = points[points.length - 1];
  const off = (p) => Math.abs(x(p.hour) - (left + plotW / 2));
  const middle = points.reduce((best, p) => off(p) < off(best) ? p : best);
  const roomy = (p) => x(p.hour) - x(first.hour) > 90 && x(last.hour) - x(p.hour) > 90;
  const ticks = first === last ? [first] : [first].concat(roomy(middle) ? [middle] : [], [last]);
  ticks.forEach((p, i) => el(svg, 'text', {
    x: x(p.hour), y: h - 10, 'text-anchor': ticks.length === 1 ? 'middle' : i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle',
  }, hourLabel(p.hour)));
  for (const l of lines) {
    const g = el(svg, 'g', { class: 'threshold', 'data-value': String(l.value) });
    tip(g, l.label + ' ' + pct(l.value));
    const dash = { stroke: l.color, 'stroke-width': 1.5, 'stroke-dasharray': '6 3' };
    el(g, 'line', { x1: left, x2: w - right, y1: y(l.value), y2: y(l.value), ...dash });
    el(g, 'text', { x: left + 4, y: y(l.value) - 3, fill: l.color }, pct(l.value) + ' ' + l.short);
  }
  el(svg, 'polyline', { class: 'series', fill: 'none', stroke: series.color, 'stroke-width': 2,
    points: points.map((p) => x(p.hour) + ',' + y(p[series.key])).join(' ') });
  for (const p of points) {
    const g = el(svg, 'g', { class: 'point' });
    tip(g, hourLabel(p.hour) + ' UTC: ' + series.label + ' ' + pct(p[series.key]) +
      ' (' + plural(series.count, p[series.count]) + ' of ' + fmt(p.sends) + ' sends)');
    el(g, 'circle', { cx: x(p.hour), cy: y(p[series.key]), r: 3, fill: series.color });
    el(g, 'circle', { cx: x(p.hour), cy: y(p[series.key]), r: 9, fill: 'transparent' });
  }
}
const HARD = { key: 'hardBounceRate', count: 'hardBounces', label: 'hard-bounce rate', color: COLORS.hardBounces };
const COMPLAINTS = { key: 'complaintRate', count: 'complaints', label: 'complaint rate', color: COLORS.complaints };

// Stacked bars (hard, soft, blocks, complaints) under their full label; the figures on hover.
function barChart(svg, rows) {
  svg.innerHTML = '';
  const total = (r) => KEYS.reduce((sum, k) => sum + (r[k] || 0), 0);
  const sorted = rows.filter((r) => total(r) > 0).sort((a, b) => total(b) - total(a) || a.key.localeCompare(b.key));
  const shown = sorted.slice(0, 8);
  svg.dataset.bars = String(shown.length);
  const w = 420, rowH = 32;
  const top = 20;
  const h = top + Math.max(1, shown.length) * rowH + (sorted.length > shown.length ? 16 : 4);
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  legend(svg, KEYS.map((k) => ({ label: NAMES[k][1], color: COLORS[k] })), w);
  if (shown.length === 0) { el(svg, 'text', { x: 2, y: top + 20 }, 'no bounces or complaints'); return; }
  const max = Math.max(1, ...shown.map(total));
  shown.forEach((r, i) => {
    const y = top + i * rowH;
    const g = el(svg, 'g', { class: 'row', 'data-key': r.key });
    tip(g, r.key + ': ' + KEYS.filter((k) => r[k] > 0).map((k) => plural(k, r[k])).join(', ') +
      (r.sends > 0 ? ' of ' + fmt(r.sends) + ' sends (hard-bounce rate ' + pct(r.hardBounces / r.sends) + ')' : ''));
    el(g, 'text', { x: 2, y: y + 11, class: 'label' }, r.key.length > 66 ? r.key.slice(0, 65) + '…' : r.key);
    let x = 2;
    for (const k of KEYS) {
      const width = ((r[k] || 0) / max) * 360;
      if (width > 0) el(g, 'rect', { class: 'bar', 'data-metric': k, x, y: y + 15, width, height: 12, fill: COLORS[k] });
      x += width;
    }
    el(g, 'text', { x: x + 4, y: y + 25, class: 'total' }, fmt(total(r)));
  });
  if (sorted.length > shown.length) el(svg, 'text', { x: 2, y: h - 4 }, (sorted.length - shown.length) + ' more not shown');
}

// The hours a campaign's series is read over: ?hours=, else from its first hour to the runtime's now.
function seriesHours(from, now) {
  if (HOURS) return HOURS;
  const hours = Math.floor((now - hourTime(from)) / 3600000) + 1;
  return hours >= 1 && hours <= MAX_HOURS ? hours : null;
}
async function seriesOf(campaign, from, now) {
  const hours = seriesHours(from, now);
  return hours === null ? null : api('campaigns/' + encodeURIComponent(campaign) + '/series?hours=' + hours);
}
// The account hour by hour: every campaign's hours summed (a few reads at a time).
async function accountHours(campaigns, now) {
  const byHour = new Map();
  const queue = campaigns.slice();
  let skipped = 0;
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const series = c.from ? await seriesOf(c.campaign, c.from, now) : null;
      if (!series) { skipped++; continue; }
      for (const p of series.hours) {
        const sum = byHour.get(p.hour) || { hour: p.hour, sends: 0, hardBounces: 0, complaints: 0 };
        sum.sends += p.sends; sum.hardBounces += p.hardBounces; sum.complaints += p.complaints;
        byHour.set(p.hour, sum);
      }
    }
  }));
  const hours = [...byHour.values()].sort((a, b) => a.hour.localeCompare(b.hour));
  for (const p of hours) {
    p.hardBounceRate = p.sends > 0 ? p.hardBounces / p.sends : 0;
    p.complaintRate = p.sends > 0 ? p.complaints / p.sends : 0;
  }
  return { hours, skipped };
}

const state = { view: 'account', campaign: null, address: null, now: Date.now() };
let paused = new Map();

async function renderAccount() {
  const { campaigns } = await api('campaigns' + windowQuery());
  paused = new Map(campaigns.map((c) => [c.campaign, c.paused]));
  const list = $('campaigns');
  if (campaigns.length === 0) {
    list.className = 'table-wrap empty';
    list.textContent = HOURS ? 'No campaign in the last ' + HOURS + ' hours.' : 'No campaign yet.';
    $('account-figures').innerHTML = '';
    $('account-period').textContent = '';
    lineChart($('account-hard'), [], HARD, LINES.hard);
    lineChart($('account-complaints'), [], COMPLAINTS, LINES.complaints);
    return '';
  }
  list.className = 'table-wrap';
  list.innerHTML = '<table><thead><tr><th>campaign</th><th class="wide">period (UTC)</th><th class="n">sends</th>' +
    '<th class="n">hard</th><th class="n">compl.</th><th class="n wide">findings</th><th>verdict</th></tr></thead><tbody>' +
    campaigns.map((c) => '<tr class="campaign" data-campaign="' + esc(c.campaign) + '">' +
      '<td>' + campaignLink(c.campaign) +
      (c.paused ? ' <span class="warning">(paused)</span>' : '') + '</td>' +
      '<td class="wide">' + (c.from ? esc(period(c.from, c.to)).replace(' UTC', '') : '') + '</td>' +
      '<td class="n">' + esc(count(c, 'sends')) + '</td>' +
      '<td class="n">' + pct(c.hardBounceRate) + '</td><td class="n">' + pct(c.complaintRate) + '</td>' +
      '<td class="n wide">' + c.findings + '</td>' +
      '<td class="verdict ' + esc(c.verdict) + '">' + esc(shownVerdict(c)) + '</td></tr>').join('') +
    '</tbody></table>';
  list.querySelectorAll('tr.campaign').forEach((tr) => tr.addEventListener('click', (event) => {
    event.preventDefault();
    go({ view: 'campaign', campaign: tr.dataset.campaign }, true);
  }));
  const { hours, skipped } = await accountHours(campaigns, state.now);
  const sum = (key) => hours.reduce((total, p) => total + p[key], 0);
  const sends = sum('sends'), hard = sum('hardBounces'), complaints = sum('complaints');
  const estimated = campaigns.some((c) => c.estimated);
  const verdicts = (v) => campaigns.filter((c) => c.verdict === v).length;
  figures($('account-figures'), [
    ['campaigns', fmt(campaigns.length)], ['in danger', fmt(verdicts('danger'))], ['warning', fmt(verdicts('warning'))],
    ['sends', (estimated ? '≈' : '') + fmt(sends)], ['hard-bounce rate', sends > 0 ? pct(hard / sends) : 'no sends'],
    ['complaint rate', sends > 0 ? pct(complaints / sends) : 'no sends'],
  ], [
    estimated && ['account-estimated', '≈: sums of estimates (campaign-hours above 100 events are counted approximately).'],
    skipped > 0 && ['account-skipped', skipped + ' campaign(s) older than ' + MAX_HOURS + ' hours are listed but not charted.'],
  ]);
  const froms = campaigns.map((c) => c.from).filter(Boolean).sort();
  const tos = campaigns.map((c) => c.to).filter(Boolean).sort();
  $('account-period').textContent = froms.length ? period(froms[0], tos[tos.length - 1]) : '';
  lineChart($('account-hard'), hours, HARD, LINES.hard);
  lineChart($('account-complaints'), hours, COMPLAINTS, LINES.complaints);
  return '';
}

async function renderCampaign(name) {
  const enc = encodeURIComponent(name);
  const health = await api('campaigns/' + enc + '/health' + windowQuery());
  const series = health.from ? await seriesOf(name, health.from, state.now) : null;
  $('nav-campaign').textContent = name;
  $('title').innerHTML = esc(name) + ' <span class="verdict ' + esc(health.verdict) + '">' + esc(shownVerdict(health)) + '</span>' +
    (paused.get(name) ? ' <span class="warning">(paused)</span>' : '');
  $('period').textContent = health.from
    ? 'Read over ' + period(health.from, health.to) +
      ' (' + health.activeHours + ' active hour' + (health.activeHours === 1 ? '' : 's') + ')'
    : '';
  figures($('figures'), [
    ['sends', count(health, 'sends')], ['hard bounces', count(health, 'hardBounces')],
    ['hard-bounce rate', health.evidence === 'no-sends' ? 'no sends' : pct(health.hardBounceRate)],
    ['at least (95 %)', early(health) ? 'too early to tell' : pct(health.hardBounceRateLowerBound)],
    ['complaints', count(health, 'complaints')], ['complaint rate', pct(health.complaintRate)],
    ['soft bounces', count(health, 'softBounces')], ['blocks', count(health, 'blocks')],
  ], [
    health.evidenceNote && ['evidence', health.evidenceNote],
    health.estimated && ['estimated', '≈: an estimate (above 100 events in a counter-hour), ± one standard error.'],
  ]);
  const findings = $('findings');
  findings.className = health.findings.length ? '' : 'empty';
  findings.innerHTML = health.findings.length ? health.findings.map((f) =>
    '<div class="finding ' + esc(f.verdict) + '" data-pattern="' + esc(f.pattern) + '">' +
    '<span class="verdict ' + esc(f.verdict) + '">' + esc(f.verdict) + '</span> <b>' + esc(f.pattern) + '</b>: ' + esc(f.summary) +
    '<div class="numbers">' + Object.entries(f.numbers)
      .filter(([k]) => !(k.endsWith('Error') && k.slice(0, -5) in f.numbers))
      .map(([k, v]) => esc(k) + ' ' +
        esc(typeof v === 'number' && /rate|share|lowerBound/.test(k) ? pct(v) : approx(v, f.numbers[k + 'Error'])))
      .join(', ') + '</div>' +
    '<div><i>What to do:</i> ' + esc(f.action) + '</div></div>').join('') : 'No findings.';
  const hours = series ? series.hours : [];
  const breakdowns = series ? series.breakdowns : { category: [], provider: [], batch: [], source: [] };
  lineChart($('chart-hard'), hours, HARD, LINES.hard);
  lineChart($('chart-complaints'), hours, COMPLAINTS, LINES.complaints);
  barChart($('chart-category'), breakdowns.category);
  barChart($('chart-provider'), breakdowns.provider);
  barChart($('chart-list'), [
    ...breakdowns.batch.map((r) => ({ ...r, key: 'batch ' + r.key })),
    ...breakdowns.source.map((r) => ({ ...r, key: 'source ' + r.key })),
  ]);
  return name;
}

const STATUS_TEXT = { suppressed: 'suppressed: do not mail', review: 'held for review: do not mail', released: 'released: may be mailed' };
const campaignLink = (name) =>
  '<a class="campaign-link" href="?campaign=' + esc(encodeURIComponent(name)) + (HOURS ? '&amp;hours=' + HOURS : '') + '">' +
  esc(name) + '</a>';
function row(label, value) {
  return value === null || value === undefined || value === '' ? '' : '<dt>' + esc(label) + '</dt><dd>' + esc(value) + '</dd>';
}
function evidenceText(e) {
  return [e.smtpCode, e.enhancedCode].filter((v) => v !== null && v !== undefined).join(' ') +
    (e.rule ? ' · rule ' + e.rule : '') + (e.category ? ' · ' + e.category : '');
}
async function renderAddress(email, message) {
  const section = $('address');
  const { record, error } = await api('page/address?email=' + encodeURIComponent(email));
  $('nav-address').textContent = email;
  if (!record) {
    section.innerHTML = '<h2>' + esc(email) + '</h2><p class="empty" id="address-missing">' + esc(error) + '</p>';
    return email;
  }
  const status = record.status;
  const holdable = status === 'suppressed' || status === 'review';
  section.innerHTML =
    '<h2>' + esc(record.email) + ' <span class="badge ' + esc(status || 'none') + '" id="address-status">' +
      esc(status ? STATUS_TEXT[status] || status : 'not on the list: may be mailed') + '</span></h2>' +
    (record.erasedAt ? '<p class="note">Erased ' + esc(when(record.erasedAt)) + ': only its verdict and dates are kept.</p>' : '') +
    (record.diagnostic || record.smtpCode || record.rule
      ? '<div class="evidence" id="address-evidence"><b>Evidence:</b> ' + esc(evidenceText(record)) +
        (record.diagnostic ? '<br>' + esc(record.diagnostic) : '') + '</div>'
      : '') +
    '<dl class="record" id="address-record">' +
      row('reason', record.reason) + row('held before for', record.suppressedReason) + row('provider', record.provider) +
      (record.campaign ? '<dt>campaign</dt><dd>' + campaignLink(record.campaign) + '</dd>' : '') +
      row('first seen', when(record.firstSeenAt)) + row('last seen', when(record.lastSeenAt)) +
      row('signals', record.count) +
      row('soft bounces', record.softBounces.count > 0
        ? record.softBounces.count +
          (record.softBounces.windowEndsAt ? ' (window ends ' + record.softBounces.windowEndsAt + ')' : '')
        : null) +
      row('released', record.releasedAt ? when(record.releasedAt) + ' by ' + record.releasedBy + ': ' + record.releaseReason : null) +
    '</dl>' +
    (holdable
      ? '<form id="release-form"><input id="release-reason" name="reason" required maxlength="500" ' +
        'placeholder="Why it may be mailed again (kept in its history)" aria-label="release reason">' +
        '<button type="submit" class="danger" id="release-button">Release</button></form>'
      : '') +
    '<div class="message" id="release-message" role="status">' + esc(message || '') + '</div>' +
    '<h3>History (newest first)</h3>' +
    (record.history.length === 0 ? '<p class="empty">No history.</p>' : '<ol class="history" id="address-history">' +
      record.history.map((e) => '<li data-signal="' + esc(e.signal) + '"><div class="when">' + esc(when(e.at)) + '</div>' +
        '<b>' + esc(e.signal) + '</b> ' + esc((e.fromStatus || 'none') + ' → ' + e.toStatus) + ' · ' + esc(e.reason) +
        '<div class="detail">' + esc(evidenceText(e)) + (e.diagnostic ? ' · ' + esc(e.diagnostic) : '') + '</div>' +
        '<div class="detail">' + [e.campaign && 'campaign ' + e.campaign, e.messageId && 'message ' + e.messageId,
          e.actor && 'by ' + e.actor, e.note && '“' + e.note + '”'].filter(Boolean).map(esc).join(' · ') + '</div></li>').join('') +
      '</ol>');
  section.querySelectorAll('a.campaign-link').forEach((link) => link.addEventListener('click', (event) => {
    event.preventDefault();
    go({ view: 'campaign', campaign: record.campaign }, true);
  }));
  const form = $('release-form');
  if (form) form.addEventListener('submit', (event) => {
    event.preventDefault();
    release(record.email, $('release-reason').value);
  });
  return email;
}
async function release(email, reason) {
  $('release-button').disabled = true;
  try {
    await api('page/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bounce-page-token': TOKEN },
      body: JSON.stringify({ email, reason }),
    });
    await renderAddress(email, 'Released: it may be mailed again.');
    document.body.dataset.released = email;
  } catch (error) {
    $('release-message').textContent = 'Not released: ' + error.message;
    $('release-button').disabled = false;
  }
}

function show() {
  for (const view of ['account', 'campaign', 'address']) $('view-' + view).hidden = state.view !== view;
  $('nav-campaign').hidden = !state.campaign;
  $('nav-campaign').href = '?campaign=' + encodeURIComponent(state.campaign || '') + (HOURS ? '&hours=' + HOURS : '');
  $('nav-address').hidden = state.view !== 'address';
  for (const [id, view] of [['nav-account', 'account'], ['nav-campaign', 'campaign'], ['nav-address', 'address']]) {
    if (state.view === view) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
}
let queue = Promise.resolve();
let timer = 0;
let refreshes = 0;
// One refresh at a time; the next is due REFRESH seconds after the last ends.
function refresh(force) {
  clearTimeout(timer);
  queue = queue.then(async () => {
    // A reason being typed is not wiped by a refresh.
    const typing = state.view === 'address' && $('release-reason') && $('release-reason').value !== '';
    if (typing && !force) return;
    try {
      const status = await api('page/status');
      state.now = Date.parse(status.now);
      const key = state.view === 'campaign' ? await renderCampaign(state.campaign)
        : state.view === 'address' ? await renderAddress(state.address) : await renderAccount();
      refreshes++;
      const clock = status.now.slice(0, 16).replace('T', ' ') + ' UTC' +
        (status.timeScale !== 1 ? ' (' + fmt(status.timeScale) + '× real time)' : '');
      $('status').textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB') +
        (REFRESH > 0 ? ', every ' + REFRESH + ' s' : ' (add ?refresh=30 to refresh)') + ' · runtime clock ' + clock +
        (HOURS ? ' · window: last ' + HOURS + ' h' : '');
      document.body.dataset.refreshes = String(refreshes);
      document.body.dataset.ready = state.view + ':' + key;
    } catch (error) {
      $('status').textContent = 'Could not load (' + new Date().toLocaleTimeString('en-GB') + '): ' + error.message;
      document.body.dataset.ready = 'error';
    }
  }).finally(() => {
    if (REFRESH > 0) timer = setTimeout(refresh, REFRESH * 1000);
  });
  return queue;
}
function go(next, push) {
  Object.assign(state, next);
  if (push && next.view !== 'address') {
    const query = new URLSearchParams();
    if (next.view === 'campaign') query.set('campaign', next.campaign);
    for (const name of ['hours', 'refresh']) if (params.has(name)) query.set(name, params.get(name));
    history.pushState(null, '', '?' + query);
  }
  show();
  return refresh(true);
}
const fromUrl = () => {
  const campaign = new URLSearchParams(location.search).get('campaign');
  return campaign ? { view: 'campaign', campaign } : { view: 'account' };
};
window.addEventListener('popstate', () => go(fromUrl(), false));
$('nav-account').addEventListener('click', (event) => { event.preventDefault(); go({ view: 'account' }, true); });
$('nav-campaign').addEventListener('click', (event) => { event.preventDefault(); go({ view: 'campaign' }, true); });
$('nav-address').addEventListener('click', (event) => event.preventDefault());
$('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const address = $('search').value.trim();
  if (address) go({ view: 'address', address }, false);
});
go(fromUrl(), false);
</script>
</body>
</html>
`;
}
