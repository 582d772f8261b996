// Attaches a <video data-src="…m3u8"> to hls.js (or to the browser's own HLS support, as in Safari).
export function attach(video) {
  if (!video || !video.dataset.src) return null;
  const src = video.dataset.src;
  if (window.Hls && window.Hls.isSupported()) {
    const hls = new window.Hls({ capLevelToPlayerSize: true });
    hls.loadSource(src);
    hls.attachMedia(video);
    window.keyframeHls = hls; // for tests and the curious: levels, current level
    return hls;
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
  }
  return null;
}
