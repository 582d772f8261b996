// Plays an asset through the CDN. The page never holds a media URL of its own: the player asks the app for a
// grant (a signed master playlist URL and, for CMAF assets, a signed MPD URL, and signed cookies the response sets
// for everything under the asset), lets hls.js (or dash.js, on request) send those cookies to the CDN, renews the
// grant before it lapses so long films play to the end, and offers quality, audio and captions menus.

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

// hls.js behind the menus' few questions: the renditions, audio and text tracks, which one plays, and a way to change it.
class HlsEngine {
  constructor(hls) { this.hls = hls; this.format = 'hls'; }
  levels() { return (this.hls.levels || []).map((l) => ({ height: l.height, bitrate: l.bitrate })); }
  level() { return this.hls.currentLevel; }
  auto() { return this.hls.autoLevelEnabled; }
  setLevel(index) { this.hls.currentLevel = index; }
  audioTracks() { return (this.hls.audioTracks || []).map((t) => ({ name: t.name, lang: t.lang })); }
  audioTrack() { return this.hls.audioTrack; }
  setAudioTrack(index) { this.hls.audioTrack = index; }
  textTracks() { return (this.hls.subtitleTracks || []).map((t) => ({ name: t.name, lang: t.lang })); }
  textTrack() { return this.hls.subtitleDisplay ? this.hls.subtitleTrack : -1; }
  setTextTrack(index) { this.hls.subtitleDisplay = true; this.hls.subtitleTrack = index; }
}

// dash.js behind the same questions: the MPD's video representations, audio and text adaptation sets.
class DashEngine {
  constructor(player) { this.player = player; this.format = 'dash'; }
  levels() { return (this.player.getBitrateInfoListFor('video') || []).map((b) => ({ height: b.height, bitrate: b.bitrate })); }
  level() { return this.player.getQualityFor('video'); }
  auto() { return this.player.getSettings().streaming.abr.autoSwitchBitrate.video; }
  setLevel(index) {
    this.player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: index < 0 } } } });
    if (index >= 0) this.player.setQualityFor('video', index, true);
  }
  audioTracks() { return this.player.getTracksFor('audio').map((t) => ({ name: t.labels?.[0]?.text, lang: t.lang })); }
  audioTrack() { return this.player.getTracksFor('audio').indexOf(this.player.getCurrentTrackFor('audio')); }
  setAudioTrack(index) { this.player.setCurrentTrack(this.player.getTracksFor('audio')[index]); }
  textTracks() { return this.player.getTracksFor('text').map((t) => ({ name: t.labels?.[0]?.text, lang: t.lang })); }
  textTrack() { return this.player.isTextEnabled() ? this.player.getCurrentTextTrackIndex() : -1; }
  setTextTrack(index) {
    this.player.enableText(index >= 0);
    if (index >= 0) this.player.setTextTrack(index);
  }
}

// dash.js's error codes (MediaPlayer.errors): downloads it gave up on, and media this browser cannot play.
const DASH_DOWNLOAD_ERRORS = new Set([11, 17, 25, 26, 27, 28]);
const DASH_FATAL_ERRORS = new Set([23, 35]);

// Loads a classic script once (dash.js is loaded only by a player that plays DASH).
const scripts = new Map();
function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error('The player could not be loaded. Reload the page to try again.'));
      document.head.append(script);
    }));
  }
  return scripts.get(src);
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
    this.engine = null;
  }

  say(message) {
    if (this.status) this.status.textContent = message;
  }

  // DASH on request (?format=dash), or where the browser plays no HLS but has Media Source Extensions; HLS otherwise.
  wantsDash() {
    const asked = new URLSearchParams(window.location.search).get('format');
    if (asked === 'dash') return true;
    if (asked === 'hls') return false;
    const hlsHere = (window.Hls && window.Hls.isSupported()) || this.video.canPlayType('application/vnd.apple.mpegurl');
    return !hlsHere && 'MediaSource' in window;
  }

  async start() {
    // a press of play before the stream is attached would be lost to the load that attaching starts: remember it
    this.video.addEventListener('play', () => { if (!this.engine) this.wantsPlay = true; }, { once: true });
    try {
      await this.renew();
    } catch (error) {
      this.say(error.message);
      return;
    }
    // timers sleep in background tabs: renew on return if the grant is due
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && Date.now() >= this.renewDue) this.renew().catch(() => {});
    });
    if (this.wantsDash()) {
      if (this.grant.dashUrl && this.video.dataset.dashjs) {
        try {
          await this.startDash();
          return;
        } catch (error) {
          this.say(error.message);
          return;
        }
      }
      this.say('This video has no DASH version yet; playing HLS.');
    }
    this.startHls();
  }

  startHls() {
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
      this.engine = new HlsEngine(hls);
      window.keyframeHls = hls; // for tests and the curious: levels, current level
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.video.src = this.grant.masterUrl; // Safari: the cookies go with its own requests
      this.quality?.parentElement.setAttribute('hidden', ''); // and its own controls offer quality and captions
    }
  }

  // The same renditions through the asset's MPD; the grant's cookies go with every request, as with HLS.
  async startDash() {
    await loadScript(this.video.dataset.dashjs);
    const dashjs = window.dashjs;
    const player = dashjs.MediaPlayer().create();
    player.updateSettings({
      streaming: { abr: { limitBitrateByPortal: true }, text: { defaultEnabled: false } },
    });
    player.setXHRWithCredentialsForType(undefined, true);
    const events = dashjs.MediaPlayer.events;
    player.on(events.STREAM_INITIALIZED, () => {
      this.showLevels();
      this.showAudio();
      this.showCaptions();
      if (this.wantsPlay && this.video.paused) this.video.play().catch(() => {});
      this.wantsPlay = false;
    });
    player.on(events.QUALITY_CHANGE_RENDERED, () => this.showLevels());
    player.on(events.TRACK_CHANGE_RENDERED, () => { this.showAudio(); this.showCaptions(); });
    player.on(events.TEXT_TRACKS_ADDED, () => this.showDefaultCaptions());
    player.on(events.ERROR, (event) => this.recoverDash(event));
    this.engine = new DashEngine(player);
    player.initialize(this.video, this.grant.dashUrl, false);
    this.dash = player;
    window.keyframeDash = player; // for tests and the curious
  }

  // The MPD marks the default text track's adaptation set main: shown from the start, as hls.js does with HLS's;
  // after a reconnection, what the viewer had chosen.
  showDefaultCaptions() {
    const tracks = this.dash.getTracksFor('text');
    const index = this.keptText !== undefined ? this.keptText
      : tracks.findIndex((t) => (t.roles || []).includes('main'));
    if (index >= 0) this.engine.setTextTrack(index);
    this.showCaptions();
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

  // dash.js retries a failed download itself; one it gave up on (the MPD, an init segment, a segment) may be a
  // lapsed grant: fresh cookies, then the same position again, playing if it was, with the viewer's captions kept.
  // A text track that will not load is not worth stopping for; media this browser cannot decode is.
  async recoverDash(event) {
    const code = event.error && event.error.code;
    if (this.recovering) return; // one renewal answers a burst of failures (audio and video fail together)
    if (DASH_DOWNLOAD_ERRORS.has(code)) {
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
        this.wantsPlay = !this.video.paused;
        this.keptText = this.engine.textTrack();
        this.dash.attachSource(this.grant.dashUrl, this.video.currentTime);
      } catch (error) {
        this.say(error.message);
      } finally {
        this.recovering = false;
      }
    } else if (DASH_FATAL_ERRORS.has(code)) {
      this.say('This video cannot be played here.');
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

  // The audio menu, when there is more than one language: the player starts with the default one.
  showAudio() {
    const select = this.audio;
    if (!select || !this.engine) return;
    const tracks = this.engine.audioTracks();
    const shown = tracks.length > 1;
    select.hidden = !shown;
    select.labels.forEach((label) => { label.hidden = !shown; });
    if (select.options.length !== tracks.length) {
      select.replaceChildren();
      tracks.forEach((track, index) => select.add(new Option(track.name || track.lang || `Track ${index + 1}`, String(index))));
      if (!select.dataset.bound) {
        select.dataset.bound = 'yes';
        select.addEventListener('change', () => this.engine.setAudioTrack(Number(select.value)));
      }
    }
    select.value = String(this.engine.audioTrack());
  }

  // The captions menu: Off, then each text track (the default one is shown from the start).
  showCaptions() {
    const select = this.captions;
    if (!select || !this.engine) return;
    const tracks = this.engine.textTracks();
    const shown = tracks.length > 0;
    select.hidden = !shown;
    select.labels.forEach((label) => { label.hidden = !shown; });
    if (select.options.length !== tracks.length + 1) {
      select.replaceChildren(new Option('Off', '-1'));
      tracks.forEach((track, index) => select.add(new Option(track.name || track.lang || `Track ${index + 1}`, String(index))));
      if (!select.dataset.bound) {
        select.dataset.bound = 'yes';
        select.addEventListener('change', () => this.engine.setTextTrack(Number(select.value)));
      }
    }
    select.value = String(this.engine.textTrack());
  }

  showLevels() {
    const select = this.quality;
    if (!select || !this.engine) return;
    const levels = this.engine.levels();
    if (select.options.length !== levels.length + 1) {
      select.replaceChildren(new Option('Auto', '-1'));
      levels
        .map((level, index) => ({ level, index }))
        .sort((a, b) => (b.level.height - a.level.height) || (b.level.bitrate - a.level.bitrate))
        .forEach(({ level, index }) => select.add(new Option(
          level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kb/s`, String(index))));
      select.disabled = levels.length < 2;
      if (!select.dataset.bound) {
        select.dataset.bound = 'yes';
        select.addEventListener('change', () => this.engine.setLevel(Number(select.value)));
      }
    }
    const current = levels[this.engine.level()];
    select.options[0].text = this.engine.auto() && current?.height ? `Auto (${current.height}p)` : 'Auto';
    select.value = this.engine.auto() ? '-1' : String(this.engine.level());
  }
}

// Attaches a <video data-grant="/api/playback/…"> to hls.js (or to the browser's own HLS support, as in Safari, or
// to dash.js, from data-dashjs, where DASH is asked for).
export function attach(video) {
  if (!video || !video.dataset.grant) return null;
  const player = new Player(video);
  player.start();
  return player;
}
