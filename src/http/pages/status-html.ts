import escapeHtml from 'escape-html';
import type { PackStatusEntry, PackStatusView } from '../../packs/pack-status-board';
import type { PackStatus } from '../../packs/pack-health';
import { ASSETS_PATH } from './browser-assets';

/** The status page's words for each status, as its badge says them. */
export const STATUS_WORDS: Record<PackStatus, string> = { FRESH: 'Fresh', WARMING: 'Warming up', ERROR: 'Error', STALE: 'Stale' };

/**
 * The whole status page. Everything that changes is inside #board, which the page's script
 * replaces with the same element of a fresh GET /status when a packHealthChanged event arrives:
 * one renderer, with or without JavaScript.
 */
export function renderStatusPage(view: PackStatusView, now: Date): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>freshgate · pricing pack status</title>
    <link rel="stylesheet" href="${ASSETS_PATH}page.css" />
    <script type="module" src="${ASSETS_PATH}status/status.js"></script>
  </head>
  <body>
    <header>
      <h1>freshgate <span class="subtitle">pricing pack status</span></h1>
    </header>
    <main>
${renderBoard(view, now)}
      <p id="live" class="live" data-state="static" role="status">Showing the state when this page was loaded; reload for news (live updates need JavaScript).</p>
    </main>
    <footer>
      <p>The same data as the <code>packHealth</code> query of <a href="/graphql">/graphql</a>, which anyone may ask.</p>
    </footer>
  </body>
</html>
`;
}

function renderBoard(view: PackStatusView, now: Date): string {
  const { health, latest } = view;
  return `      <div id="board" data-status="${health.status}" data-pack-id="${escapeHtml(health.packId ?? '')}">
        <section class="latest status-${health.status.toLowerCase()}" aria-labelledby="latest-heading">
          <h2 id="latest-heading">Latest pack</h2>
          <p class="headline"><span class="badge" data-field="status">${STATUS_WORDS[health.status]}</span> <span data-field="summary">${summary(view, now)}</span></p>
          ${latest ? details(view, now) : ''}
        </section>
        <section class="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent pack changes</h2>
          ${recentTable(view.recent)}
        </section>
      </div>`;
}

function summary({ health, latest }: PackStatusView, now: Date): string {
  if (!latest || health.packId === null) return 'No pricing pack has been published yet: analyses cannot run.';
  const pack = `Pack <strong>${escapeHtml(latest.packId)}</strong>`;
  switch (health.status) {
    case 'FRESH':
      return `${pack} is fresh: prices as of ${dateOnly(latest.asofDate)}, published ${time(latest.publishedAt)}. Analyses run on it.`;
    case 'WARMING':
      return `${pack} (prices as of ${dateOnly(latest.asofDate)}) is warming up: ${readiness(health.estimatedReady, now)}.`;
    case 'ERROR':
      return `${pack} (prices as of ${dateOnly(latest.asofDate)}) failed reconciliation${latest.errorMessage ? `: <q data-field="error">${escapeHtml(latest.errorMessage)}</q>` : ''}. Analyses are refused until a new pack is published.`;
    case 'STALE':
      return `${pack} (prices as of ${dateOnly(latest.asofDate)}) has been replaced by a newer pack.`;
  }
}

/** The countdown: its text is right when rendered, and the page's script keeps it running. */
function readiness(estimatedReady: Date | null, now: Date): string {
  if (!estimatedReady) return 'no estimate of when it will be ready';
  return `expected ready at ${time(estimatedReady)}, <span class="countdown" data-countdown="${estimatedReady.toISOString()}">${countdownText(estimatedReady.getTime() - now.getTime())}</span>`;
}

/** "in 14 min 5 s", or "overdue by 2 min 0 s" once the estimate has passed; the page's script says the same. */
export function countdownText(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const text = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
  return ms >= 0 ? `in ${text}` : `overdue by ${text}`;
}

function details({ health, latest }: PackStatusView, _now: Date): string {
  if (!latest) return '';
  const rows: [string, string][] = [
    ['Pack', `<code>${escapeHtml(latest.packId)}</code>`],
    ['Prices as of', dateOnly(latest.asofDate)],
    ['Published', time(latest.publishedAt)],
    ['Last change', time(latest.changedAt)],
  ];
  if (health.estimatedReady) rows.push(['Expected ready', time(health.estimatedReady)]);
  if (latest.errorMessage) rows.push(['Error', escapeHtml(latest.errorMessage)]);
  return `<dl class="details">${rows.map(([term, value]) => `<div><dt>${term}</dt><dd>${value}</dd></div>`).join('')}</dl>`;
}

function recentTable(recent: PackStatusEntry[]): string {
  if (recent.length === 0) return '<p>No pack has been published yet.</p>';
  const rows = recent
    .map(
      (entry) =>
        `<tr data-pack-id="${escapeHtml(entry.packId)}"><td>${time(entry.changedAt)}</td><th scope="row"><code>${escapeHtml(entry.packId)}</code></th><td>${dateOnly(entry.asofDate)}</td><td><span class="badge badge-${entry.status.toLowerCase()}">${STATUS_WORDS[entry.status]}</span>${entry.errorMessage ? ` <span class="error-text">${escapeHtml(entry.errorMessage)}</span>` : ''}</td><td>${time(entry.publishedAt)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-scroll"><table>
            <caption>Each pack's latest transition, most recent first</caption>
            <thead><tr><th scope="col">Changed</th><th scope="col">Pack</th><th scope="col">As of</th><th scope="col">Became</th><th scope="col">Published</th></tr></thead>
            <tbody>
${rows}
            </tbody>
          </table></div>`;
}

function dateOnly(date: string): string {
  return `<time datetime="${escapeHtml(date)}">${escapeHtml(date)}</time>`;
}

/** UTC, to the second, so every reader sees the same words. */
function time(at: Date): string {
  const iso = at.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC</time>`;
}
