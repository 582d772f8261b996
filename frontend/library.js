import { follow, label } from './live.js';

const tiles = new Map([...document.querySelectorAll('[data-asset]')].map((el) => [el.dataset.asset, el]));

follow([...tiles.keys()], (asset) => {
  const tile = tiles.get(asset.id);
  if (!tile) return;
  if (asset.status === 'DELETED') {
    tile.remove();
    return;
  }
  const status = tile.querySelector('[data-field="status"]');
  status.textContent = label(asset.status);
  status.className = `badge status-${asset.status.toLowerCase()}`;
  const progress = tile.querySelector('[data-field="progress"]');
  progress.value = asset.progress;
  progress.hidden = !(asset.status === 'PROCESSING' || asset.status === 'PLAYABLE');
  tile.querySelector('[data-field="reason"]').textContent = asset.statusReason || '';
  if (asset.durationMs) {
    const s = Math.round(asset.durationMs / 1000);
    tile.querySelector('[data-field="duration"]').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
  if (asset.posterUrl) {
    const poster = tile.querySelector('.poster');
    if (poster && poster.tagName !== 'IMG') {
      const img = document.createElement('img');
      img.src = asset.posterUrl;
      img.alt = '';
      img.className = 'poster';
      poster.replaceWith(img);
    }
  }
});
