import { attach } from './player.js';
import { follow, label } from './live.js';
import { api, sendFile } from './api.js';

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

// Captions and subtitles: a file is sent as it is; the server reads it whole and says which line is wrong.
const tracks = document.getElementById('text-tracks');
if (tracks) {
  const base = `/api/assets/${main.dataset.asset}/text-tracks`;
  const problem = document.getElementById('track-problem');
  const act = async (work) => {
    problem.hidden = true;
    try {
      await work();
      window.location.reload();
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
    }
  };
  const form = document.getElementById('add-text-track');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) {
      problem.textContent = 'Choose a WebVTT or SubRip file first.';
      problem.hidden = false;
      return;
    }
    const query = new URLSearchParams({
      language: form.elements.language.value.trim(),
      kind: form.elements.kind.value,
      isDefault: form.elements.isDefault.checked,
    });
    if (form.elements.name.value.trim()) query.set('name', form.elements.name.value.trim());
    act(() => sendFile('POST', `${base}?${query}`, file));
  });
  for (const row of tracks.querySelectorAll('[data-track]')) {
    const id = row.dataset.track;
    row.querySelector('[data-action="replace"]').addEventListener('change', (event) => {
      const file = event.target.files[0];
      if (file) act(() => sendFile('PUT', `${base}/${id}/file`, file));
    });
    row.querySelector('[data-action="remove"]').addEventListener('click', () => act(() => api('DELETE', `${base}/${id}`)));
  }
}

// Audio tracks: a language, a name and the default, saved one track at a time; only the master playlist changes.
const audioTracks = document.getElementById('audio-tracks');
if (audioTracks) {
  const problem = document.getElementById('audio-problem');
  for (const row of audioTracks.querySelectorAll('[data-stream]')) {
    row.querySelector('[data-action="save-audio"]').addEventListener('click', async () => {
      problem.hidden = true;
      try {
        await api('PATCH', `/api/assets/${main.dataset.asset}/audio-tracks/${row.dataset.stream}`, {
          name: row.querySelector('[data-field="name"]').value.trim(),
          language: row.querySelector('[data-field="language"]').value.trim(),
          isDefault: row.querySelector('[data-field="isDefault"]').checked,
        });
        window.location.reload();
      } catch (error) {
        problem.textContent = error.message;
        problem.hidden = false;
      }
    });
  }
}

// Downloads: on or off; the page shows how the file stands, and looks again while it is being made.
const downloadCard = document.getElementById('download-card');
if (downloadCard) {
  const toggle = document.getElementById('downloads-enabled');
  const problem = document.getElementById('download-problem');
  toggle.addEventListener('change', async () => {
    problem.hidden = true;
    try {
      await api('PUT', `/api/assets/${main.dataset.asset}/download`, { enabled: toggle.checked });
      window.location.reload();
    } catch (error) {
      toggle.checked = !toggle.checked;
      problem.textContent = error.message;
      problem.hidden = false;
    }
  });
  const state = downloadCard.querySelector('[data-field="download-state"]');
  if (/Making/.test(state.textContent)) {
    const poll = setInterval(async () => {
      try {
        const view = await api('GET', `/api/assets/${main.dataset.asset}/download`);
        if (view.state !== 'MAKING') {
          clearInterval(poll);
          window.location.reload();
        }
      } catch { /* try again */ }
    }, 2000);
  }
}
