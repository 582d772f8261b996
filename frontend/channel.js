// The channel page follows its channel: state, ingest bitrate, picture, manifest age, the stale alarm and the events
// update every two seconds; once a feed's first segments are published (a transcoder instance may take a while to start)
// or the feed ends, the page reloads once to show or hide the player.
import { attach } from './player.js';

const main = document.getElementById('content');
const video = document.getElementById('player');
if (video) attach(video);

const field = (name) => main.querySelector(`[data-field="${name}"]`);
let state = main.dataset.state;
let reloading = false;
let shownEvents = null;

const PROTOCOLS = { RTMP: 'RTMP', SRT: 'SRT', HTTP_TS: 'MPEG-TS over HTTP' };

// the events as the server renders them: newest first, time in UTC, the kind as a badge
async function refreshEvents() {
  const response = await fetch(`/api/live/channels/${main.dataset.channel}/events`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  const events = await response.json();
  const signature = events.map((e) => `${e.at} ${e.kind}`).join('|');
  if (signature === shownEvents) return; // the first round renders too: the page may be older than its events
  shownEvents = signature;
  const section = document.getElementById('events-heading').parentElement;
  let table = document.getElementById('events');
  if (!table) {
    section.querySelector('p.empty')?.remove();
    table = document.createElement('table');
    table.id = 'events';
    table.innerHTML = '<thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">What happened</th></tr></thead><tbody></tbody>';
    section.append(table);
  }
  const body = table.querySelector('tbody');
  body.replaceChildren(...events.map((e) => {
    const row = document.createElement('tr');
    const time = document.createElement('td');
    time.textContent = e.at.replace('T', ' ').slice(0, 19);
    const kind = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `badge event-${e.kind.toLowerCase()}`;
    badge.textContent = e.kind.toLowerCase().replaceAll('_', ' ');
    kind.append(badge);
    const detail = document.createElement('td');
    detail.textContent = e.detail;
    row.append(time, kind, detail);
    return row;
  }));
}

// a channel on two pipelines: which publishes, which stands by in step (or is joining, or down)
async function refreshPipelines(channel) {
  if (channel.pipelines !== 2 || channel.state === 'IDLE') return;
  const response = await fetch(`/api/live/channels/${main.dataset.channel}/pipelines`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  const pipelines = await response.json();
  if (pipelines.length < 2) return;
  const list = document.createElement('ul');
  list.className = 'plain';
  list.append(...pipelines.map((p) => {
    const item = document.createElement('li');
    item.dataset.pipeline = p.name;
    const name = document.createElement('strong');
    name.textContent = p.name;
    const beating = p.heartbeatAt != null && Date.now() - Date.parse(p.heartbeatAt) < 3000;
    const badge = document.createElement('span');
    badge.className = beating ? 'badge ok' : 'badge';
    badge.textContent = !beating ? 'down' : p.publishing ? 'publishing' : p.newestSegment != null ? 'in step' : 'joining';
    const facts = document.createElement('span');
    facts.className = 'muted';
    facts.textContent = `segment ${p.newestSegment ?? '—'}, generation ${p.generation}${p.instance ? `, ${p.instance}` : ''}`;
    item.append(name, ' ', badge, ' ', facts);
    return item;
  }));
  field('pipelines').replaceChildren(list);
}

async function refresh() {
  try {
    const response = await fetch(`/api/live/channels/${main.dataset.channel}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const channel = await response.json();
    const session = channel.session;
    const live = channel.state !== 'IDLE';
    field('state').textContent = channel.state.toLowerCase();
    field('state').className = `badge live-${channel.state.toLowerCase()}`;
    field('state-text').textContent = channel.state.toLowerCase();
    if (session && live) {
      const bitrate = session.ingestBitrate ? ` at ${(session.ingestBitrate / 1e6).toFixed(2)} Mb/s` : '';
      field('ingest').textContent = (PROTOCOLS[session.protocol] ?? session.protocol) + bitrate;
      field('picture').textContent = session.width ? `${session.width}×${session.height}` : '—';
      field('age').textContent = session.manifestAgeMs == null ? '—' : `${(session.manifestAgeMs / 1000).toFixed(1)} s`;
      field('alarm').textContent = session.stale ? 'STALE: the playlist is not advancing' : 'none';
      field('restarts').textContent = `${session.transcoderRestarts} transcoder, ${session.reconnects} reconnects`;
    }
    // the manifest age is measured from the first published segment on: then there is something to play
    const playable = live && session && session.manifestAgeMs != null;
    const ended = state !== 'IDLE' && channel.state === 'IDLE';
    state = channel.state;
    if (!reloading && ((playable && !video) || ended)) {
      reloading = true;
      setTimeout(() => window.location.reload(), ended ? 500 : 1000);
    }
    await refreshPipelines(channel);
    await refreshEvents();
  } catch (ignored) { /* the next round tries again */ }
}

setInterval(refresh, 2000);
