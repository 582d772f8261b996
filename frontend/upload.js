// Uploads files straight to storage through presigned part URLs: several parts at once, each retried with backoff,
// pause/resume, cancel, and resume after a reload or a browser restart from the parts storage already holds.
import { api, ApiError, bytes, duration } from './api.js';

const main = document.getElementById('content');
const PARALLEL = Number(main.dataset.parallel) || 4;
const MAX_SIZE = Number(main.dataset.maxSize) || Infinity;
const MAX_TRIES = 6;
const STORE = 'keyframe.uploads';

const list = document.getElementById('uploads');
const drop = document.getElementById('drop');
const picker = document.getElementById('files');

const fingerprint = (file) => `${file.name}|${file.size}|${file.lastModified}`;
const remembered = () => JSON.parse(localStorage.getItem(STORE) || '{}');
function remember(file, uploadId) {
  const all = remembered();
  all[fingerprint(file)] = { uploadId, name: file.name, size: file.size };
  localStorage.setItem(STORE, JSON.stringify(all));
}
function forget(file) {
  const all = remembered();
  delete all[fingerprint(file)];
  localStorage.setItem(STORE, JSON.stringify(all));
}
function forgetUpload(uploadId) {
  const all = remembered();
  for (const [key, value] of Object.entries(all)) if (value.uploadId === uploadId) delete all[key];
  localStorage.setItem(STORE, JSON.stringify(all));
}

class Upload {
  constructor(file) {
    this.file = file;
    this.urls = new Map();
    this.etags = new Map();
    this.loaded = new Map(); // part number -> bytes sent so far
    this.requests = new Set();
    this.paused = false;
    this.cancelled = false;
    this.samples = [];
    this.render();
  }

  render() {
    const li = document.createElement('li');
    li.className = 'upload card';
    li.innerHTML = `
      <div class="heading"><strong class="name"></strong><span class="badge state">Preparing</span></div>
      <progress max="100" value="0"></progress>
      <p class="figures muted" aria-live="off"></p>
      <p class="message" role="status"></p>
      <div class="row actions">
        <button type="button" class="pause">Pause</button>
        <button type="button" class="resume" hidden>Resume</button>
        <button type="button" class="cancel danger">Cancel</button>
      </div>`;
    li.querySelector('.name').textContent = this.file.name;
    li.querySelector('progress').setAttribute('aria-label', `Upload of ${this.file.name}`);
    li.querySelector('.pause').addEventListener('click', () => this.pause());
    li.querySelector('.resume').addEventListener('click', () => this.resume());
    li.querySelector('.cancel').addEventListener('click', () => this.cancel());
    list.prepend(li);
    this.el = li;
  }

  state(text, kind = '') {
    const badge = this.el.querySelector('.state');
    badge.textContent = text;
    badge.className = `badge state ${kind}`;
  }

  message(text, kind = '') {
    const p = this.el.querySelector('.message');
    p.innerHTML = '';
    p.className = `message ${kind}`;
    if (typeof text === 'string') p.textContent = text; else p.append(text);
  }

  async start() {
    try {
      if (this.file.size === 0) throw new ApiError(400, 'The file is empty.');
      if (this.file.size > MAX_SIZE) throw new ApiError(413, `The file is ${bytes(this.file.size)}; the limit is ${bytes(MAX_SIZE)}.`);
      // only this browser's own record resumes an upload: a file that merely has the same name and size
      // must never be appended to someone else's stored parts
      const known = remembered()[fingerprint(this.file)];
      let stored = [];
      if (known) {
        try {
          const status = await api('GET', `/api/uploads/${known.uploadId}`);
          if (status.state === 'ACTIVE') {
            this.session = { uploadId: status.uploadId, assetId: status.assetId, partSize: status.partSize, partCount: status.partCount };
            stored = status.storedParts;
          }
        } catch { /* gone: start over */ }
      }
      if (!this.session) {
        const started = await api('POST', '/api/uploads', {
          filename: this.file.name, size: this.file.size, contentType: this.file.type || 'application/octet-stream',
          title: this.file.name.replace(/\.[^.]+$/, ''),
        });
        this.session = started;
        for (const part of started.parts) this.urls.set(part.partNumber, part.url);
        remember(this.file, started.uploadId);
      }
      for (const part of stored) {
        const expected = this.expected(part.partNumber);
        if (part.size === expected) {
          this.etags.set(part.partNumber, part.etag);
          this.loaded.set(part.partNumber, part.size);
        }
      }
      if (stored.length) this.message(`Resuming: ${this.etags.size} of ${this.session.partCount} parts were already stored.`);
      this.pending = [];
      for (let n = 1; n <= this.session.partCount; n++) if (!this.etags.has(n)) this.pending.push(n);
      this.state('Uploading');
      this.began = performance.now();
      await this.run();
    } catch (error) {
      this.fail(error);
    }
  }

  expected(n) {
    const { partSize, partCount } = this.session;
    return n < partCount ? partSize : this.file.size - partSize * (partCount - 1);
  }

  async run() {
    const timer = setInterval(() => this.progress(), 500);
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, this.pending.length || 1) }, () => this.worker()));
    } finally {
      clearInterval(timer);
      this.progress();
    }
    if (this.cancelled || this.paused) return;
    if (this.etags.size !== this.session.partCount) return;
    this.state('Checking');
    this.el.querySelector('.actions').hidden = true;
    const parts = [...this.etags].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
    const done = await api('POST', `/api/uploads/${this.session.uploadId}/complete`, { parts });
    forget(this.file);
    const seconds = (performance.now() - this.began) / 1000;
    this.el.querySelector('.figures').textContent =
      `${bytes(this.file.size)} in ${duration(seconds)} · ${bytes(this.file.size / Math.max(seconds, 0.001))}/s on average`;
    const link = document.createElement('a');
    link.href = `/assets/${done.assetId}`;
    if (done.status === 'FAILED') {
      this.state('Failed', 'status-failed');
      link.textContent = 'Open the asset';
      const text = document.createElement('span');
      text.textContent = `${done.reason} `;
      text.append(link);
      this.message(text, 'error');
    } else {
      this.state('Uploaded', 'status-ready');
      link.textContent = 'Follow the transcode';
      const text = document.createElement('span');
      text.textContent = 'Stored and checked. ';
      text.append(link);
      this.message(text);
    }
  }

  async worker() {
    while (!this.paused && !this.cancelled && this.pending.length) {
      const n = this.pending.shift();
      try {
        await this.sendWithRetries(n);
      } catch (error) {
        if (this.paused || this.cancelled) { this.pending.unshift(n); return; }
        throw error;
      }
    }
  }

  async sendWithRetries(n) {
    for (let attempt = 1; ; attempt++) {
      try {
        const url = await this.url(n);
        this.etags.set(n, await this.put(n, url));
        return;
      } catch (error) {
        this.loaded.set(n, 0);
        if (this.paused || this.cancelled) throw error;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          // Keyframe itself refused: the session ended, retrying will not help
          throw new Error('Your session has ended. Sign in again in another tab, then press Resume here.');
        }
        if (error.status === 403) this.urls.delete(n); // the presigned URL expired: get a fresh one
        if (attempt >= MAX_TRIES) throw new Error(`Part ${n} failed ${attempt} times (${error.message}). Check your connection and press Resume.`);
        const wait = Math.min(30000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
        this.message(`Part ${n} failed (${error.message}); retrying in ${Math.round(wait / 1000)} s.`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async url(n) {
    if (!this.urls.has(n)) {
      const wanted = [n, ...this.pending.filter((p) => !this.urls.has(p)).slice(0, 19)];
      const parts = await api('POST', `/api/uploads/${this.session.uploadId}/parts`, { partNumbers: wanted });
      for (const part of parts) this.urls.set(part.partNumber, part.url);
    }
    return this.urls.get(n);
  }

  put(n, url) {
    const start = (n - 1) * this.session.partSize;
    const blob = this.file.slice(start, start + this.expected(n));
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.requests.add(xhr);
      xhr.open('PUT', url);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => this.loaded.set(n, e.loaded);
      xhr.onload = () => {
        this.requests.delete(xhr);
        const etag = xhr.getResponseHeader('ETag');
        if (xhr.status >= 200 && xhr.status < 300 && etag) {
          this.loaded.set(n, blob.size);
          resolve(etag);
        } else {
          const error = new Error(`storage answered ${xhr.status}`);
          error.status = xhr.status;
          reject(error);
        }
      };
      xhr.onerror = () => { this.requests.delete(xhr); reject(new Error('network error')); };
      xhr.onabort = () => { this.requests.delete(xhr); reject(new Error('stopped')); };
      xhr.send(blob);
    });
  }

  progress() {
    const sent = [...this.loaded.values()].reduce((a, b) => a + b, 0);
    const now = performance.now();
    this.samples.push([now, sent]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const speed = now > t0 ? ((sent - b0) / (now - t0)) * 1000 : 0;
    const percent = this.file.size ? (sent / this.file.size) * 100 : 100;
    this.el.querySelector('progress').value = percent;
    const left = speed > 0 ? duration((this.file.size - sent) / speed) : '—';
    this.el.querySelector('.figures').textContent =
      `${bytes(sent)} of ${bytes(this.file.size)} · ${percent.toFixed(0)}% · ${bytes(speed)}/s · ${left} left`;
  }

  pause() {
    this.paused = true;
    for (const xhr of this.requests) xhr.abort();
    this.state('Paused');
    this.el.querySelector('.pause').hidden = true;
    this.el.querySelector('.resume').hidden = false;
  }

  async resume() {
    this.paused = false;
    this.el.querySelector('.pause').hidden = false;
    this.el.querySelector('.resume').hidden = true;
    this.state('Uploading');
    this.message('');
    try {
      await this.run();
    } catch (error) {
      this.fail(error);
    }
  }

  async cancel() {
    this.cancelled = true;
    for (const xhr of this.requests) xhr.abort();
    this.el.querySelector('.actions').hidden = true;
    this.state('Cancelled');
    forget(this.file);
    if (this.session) {
      try { await api('DELETE', `/api/uploads/${this.session.uploadId}`); } catch { /* already gone */ }
    }
    this.message('The upload was cancelled and its stored parts removed.');
  }

  fail(error) {
    if (this.cancelled) return;
    this.paused = true;
    this.state('Stopped', 'status-failed');
    this.message(error.message, 'error');
    this.el.querySelector('.pause').hidden = true;
    this.el.querySelector('.resume').hidden = !this.session;
  }
}

function add(files) {
  for (const file of files) new Upload(file).start();
}

picker.addEventListener('change', () => { add(picker.files); picker.value = ''; });
for (const type of ['dragenter', 'dragover']) {
  drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
}
for (const type of ['dragleave', 'drop']) {
  drop.addEventListener(type, () => drop.classList.remove('over'));
}
drop.addEventListener('drop', (e) => { e.preventDefault(); add(e.dataTransfer.files); });

async function showUnfinished() {
  let open;
  try { open = await api('GET', '/api/uploads'); } catch { return; }
  const mine = remembered();
  const section = document.getElementById('unfinished-section');
  const ul = document.getElementById('unfinished');
  ul.innerHTML = '';
  for (const upload of open) {
    const li = document.createElement('li');
    li.className = 'row';
    const text = document.createElement('span');
    text.textContent = `${upload.filename} · ${bytes(upload.size)}`;
    const ours = Object.values(mine).some((m) => m.uploadId === upload.uploadId);
    if (ours) text.textContent += ' · started in this browser';
    li.append(text);
    ul.append(li);
    // the list holds only your own uploads (an admin's: everyone's); the server enforces that too
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'small danger';
    cancel.textContent = 'Discard';
    cancel.addEventListener('click', async () => {
      await api('DELETE', `/api/uploads/${upload.uploadId}`);
      forgetUpload(upload.uploadId);
      li.remove();
      if (!ul.children.length) section.hidden = true;
    });
    li.append(cancel);
  }
  section.hidden = open.length === 0;
}
showUnfinished();
