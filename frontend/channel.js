// The channel page follows its channel: state, ingest bitrate, picture, manifest age and the stale alarm update
// every two seconds; once a feed's first segments are published (a transcoder instance may take a while to start)
// or the feed ends, the page reloads once to show or hide the player.
import { attach } from './player.js';

const main = document.getElementById('content');
const video = document.getElementById('player');
if (video) attach(video);

const field = (name) => main.querySelector(`[data-field="${name}"]`);
let state = main.dataset.state;
let reloading = false;

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
      field('ingest').textContent = (session.protocol === 'RTMP' ? 'RTMP' : 'MPEG-TS over HTTP') + bitrate;
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
  } catch (ignored) { /* the next round tries again */ }
}

setInterval(refresh, 2000);
