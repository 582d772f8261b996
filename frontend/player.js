// Plays an asset through the CDN. The page never holds a media URL of its own: the player asks the app for a
// grant (a signed master playlist URL, and signed cookies the response sets for everything under the asset), lets
// hls.js send those cookies to the CDN, renews the grant before it lapses so long films play to the end, and
// offers quality, audio and captions menus.

async function fetchGrant(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let detail = 'The video could not be loaded.';
    try {
      detail = (await response.json()).detail || detail;
    } catch (ignored) { /* not a problem document */ }
    throw new Error(detail);
  }
  const grant = await response.json();
  // renew by the server's clock, not this device's: how long from now, per the response's own Date
  const serverNow = Date.parse(response.headers.get('Date')) || Date.now();
  grant.renewInMs = Math.max(5000, Date.parse(grant.renewAt) - serverNow);
  return grant;
}

class Player {
  constructor(video) {
    this.video = video;
    this.url = video.dataset.grant;
    const bar = video.parentElement.querySelector('.player-bar');
    this.quality = bar?.querySelector('#quality');
    this.captions = bar?.querySelector('#captions');
    this.audio = bar?.querySelector('#audio');
    this.download = bar?.querySelector('#download');
    this.status = bar?.querySelector('.player-status');
    this.hls = null;
  }

  say(message) {
    if (this.status) this.status.textContent = message;
  }

  async start() {
    // a press of play before the stream is attached would be lost to the load that attaching starts: remember it
    this.video.addEventListener('play', () => { if (!this.hls) this.wantsPlay = true; }, { once: true });
    try {
      await this.renew();
    } catch (error) {
      this.say(error.message);
      return;
    }
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      // on a low-latency channel, play up to 10 % faster (pitch kept) until back at the playlist's hold-back: a
      // player that started late or stalled would otherwise stay that much further behind the camera for good
      const hls = new Hls({
        capLevelToPlayerSize: true,
        maxLiveSyncPlaybackRate: 1.1,
        xhrSetup: (xhr) => { xhr.withCredentials = true; },
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        this.showLevels();
        if (this.wantsPlay && this.video.paused) this.video.play().catch(() => {});
        this.wantsPlay = false;
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, () => this.showLevels());
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => this.showAudio());
      hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, () => this.showAudio());
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => this.showCaptions());
      hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, () => this.showCaptions());
      hls.on(Hls.Events.ERROR, (event, data) => this.recover(data));
      hls.loadSource(this.grant.masterUrl);
      hls.attachMedia(this.video);
      this.hls = hls;
      window.keyframeHls = hls; // for tests and the curious: levels, current level
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.video.src = this.grant.masterUrl; // Safari: the cookies go with its own requests
      this.quality?.parentElement.setAttribute('hidden', ''); // and its own controls offer quality and captions
    }
    // timers sleep in background tabs: renew on return if the grant is due
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && Date.now() >= this.renewDue) this.renew().catch(() => {});
    });
  }

  async renew() {
    clearTimeout(this.timer);
    try {
      this.grant = await fetchGrant(this.url);
      window.keyframeGrant = this.grant;
      this.showDownload();
      this.renewDue = Date.now() + this.grant.renewInMs;
      this.timer = setTimeout(() => this.renew().catch(() => {}), this.grant.renewInMs);
      if (this.stalled) {
        this.stalled = false;
        this.say('');
      }
    } catch (error) {
      // keep playing what is buffered; try again soon
      this.timer = setTimeout(() => this.renew().catch(() => {}), 15000);
      throw error;
    }
  }

  async recover(data) {
    const Hls = window.Hls;
    const refused = data.response && data.response.code === 403;
    if (refused || (data.fatal && data.type === Hls.ErrorTypes.NETWORK_ERROR)) {
      if (this.recovering) return; // one renewal answers a burst of refusals
      // the grant lapsed (a sleeping laptop) or the network dropped: fresh signatures, then carry on; but a
      // fresh grant that is refused too (say, a CDN that sees another address) is not asked for forever
      const now = Date.now();
      this.refusals = (this.refusals || []).filter((at) => now - at < 60000).concat(now);
      if (this.refusals.length > 3) {
        this.say('The video cannot be loaded from here right now. Reload the page to try again.');
        return;
      }
      this.recovering = true;
      this.stalled = true;
      this.say('Reconnecting…');
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000 * (this.refusals.length - 1)));
        await this.renew();
        if (this.hls.levels && this.hls.levels.length) {
          this.hls.startLoad();
        } else {
          this.hls.loadSource(this.grant.masterUrl); // the master playlist itself was refused
        }
      } catch (error) {
        this.say(error.message);
      } finally {
        this.recovering = false;
      }
    } else if (data.fatal && data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      this.hls.recoverMediaError();
    } else if (data.fatal) {
      this.say('This video cannot be played here.');
    }
  }

  // The download link, when the asset has one: signed like the playlists, renewed with them.
  showDownload() {
    if (!this.download) return;
    const url = this.grant && this.grant.downloadUrl;
    this.download.hidden = !url;
    if (url) this.download.href = url;
    else this.download.removeAttribute('href');
  }

  // The audio menu, when the master lists more than one language: hls.js starts with the default one.
  showAudio() {
    const select = this.audio;
    if (!select || !this.hls) return;
    const tracks = this.hls.audioTracks || [];
    const shown = tracks.length > 1;
    select.hidden = !shown;
    select.labels.forEach((label) => { label.hidden = !shown; });
    if (select.options.length !== tracks.length) {
      select.replaceChildren();
      tracks.forEach((track, index) => select.add(new Option(track.name || track.lang || `Track ${index + 1}`, String(index))));
      if (!select.dataset.bound) {
        select.dataset.bound = 'yes';
        select.addEventListener('change', () => {
          this.hls.audioTrack = Number(select.value);
        });
      }
    }
    select.value = String(this.hls.audioTrack);
  }

  // The captions menu: Off, then each text track the master lists (hls.js shows the default one from the start).
  showCaptions() {
    const select = this.captions;
    if (!select || !this.hls) return;
    const tracks = this.hls.subtitleTracks || [];
    const shown = tracks.length > 0;
    select.hidden = !shown;
    select.labels.forEach((label) => { label.hidden = !shown; });
    if (select.options.length !== tracks.length + 1) {
      select.replaceChildren(new Option('Off', '-1'));
      tracks.forEach((track, index) => select.add(new Option(track.name || track.lang || `Track ${index + 1}`, String(index))));
      if (!select.dataset.bound) {
        select.dataset.bound = 'yes';
        select.addEventListener('change', () => {
          this.hls.subtitleDisplay = true;
          this.hls.subtitleTrack = Number(select.value);
        });
      }
    }
    select.value = String(this.hls.subtitleDisplay ? this.hls.subtitleTrack : -1);
  }

  showLevels() {
    const select = this.quality;
    if (!select || !this.hls) return;
    const levels = this.hls.levels || [];
    if (select.options.length !== levels.length + 1) {
      select.replaceChildren(new Option('Auto', '-1'));
      levels
        .map((level, index) => ({ level, index }))
        .sort((a, b) => (b.level.height - a.level.height) || (b.level.bitrate - a.level.bitrate))
        .forEach(({ level, index }) => select.add(new Option(
          level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kb/s`, String(index))));
      select.disabled = levels.length < 2;
      select.addEventListener('change', () => {
        this.hls.currentLevel = Number(select.value);
      });
    }
    const current = this.hls.levels[this.hls.currentLevel];
    select.options[0].text = this.hls.autoLevelEnabled && current?.height ? `Auto (${current.height}p)` : 'Auto';
    select.value = this.hls.autoLevelEnabled ? '-1' : String(this.hls.currentLevel);
  }
}

// Attaches a <video data-grant="/api/playback/…"> to hls.js (or to the browser's own HLS support, as in Safari).
export function attach(video) {
  if (!video || !video.dataset.grant) return null;
  const player = new Player(video);
  player.start();
  return player;
}
