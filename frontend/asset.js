import { attach } from './player.js';
import { follow, label } from './live.js';

const main = document.getElementById('content');
const video = document.getElementById('player');
attach(video);

let lastStatus = main.querySelector('[data-field="status"]')?.textContent.trim().toUpperCase();
follow([main.dataset.asset], (asset) => {
  const status = main.querySelector('[data-field="status"]');
  status.textContent = label(asset.status);
  status.className = `badge status-${asset.status.toLowerCase()}`;
  for (const job of asset.jobs || []) {
    const row = main.querySelector(`[data-job="${CSS.escape(job.profile)}"]`);
    if (!row) continue;
    row.querySelector('[data-field="state"]').textContent = job.state.toLowerCase();
    row.querySelector('[data-field="state"]').className = `badge job-${job.state.toLowerCase()}`;
    row.querySelector('[data-field="progress"]').value = job.state === 'DONE' ? 100 : job.progress * 100;
    const chunks = row.querySelector('[data-field="chunks"]');
    if (chunks) chunks.textContent = job.chunks > 1 ? `${job.chunksDone} of ${job.chunks} chunks` : '';
    row.querySelector('[data-field="attempts"]').textContent = job.attempts;
    row.querySelector('[data-field="error"]').textContent = job.error;
  }
  // a new rendition or the first one: reload to show the player and the renditions table
  const becamePlayable = !video && (asset.status === 'PLAYABLE' || asset.status === 'READY');
  const finished = lastStatus !== asset.status && (asset.status === 'READY' || asset.status === 'FAILED');
  lastStatus = asset.status;
  if (becamePlayable || (finished && (!video || video.paused))) {
    window.location.reload();
  }
});
