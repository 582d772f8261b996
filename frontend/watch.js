// Plays the asset's master playlist with hls.js (or natively where the browser plays HLS itself).
const video = document.getElementById('player');
if (video) {
  const src = video.dataset.src;
  if (window.Hls && window.Hls.isSupported()) {
    const hls = new window.Hls();
    hls.loadSource(src);
    hls.attachMedia(video);
    window.keyframeHls = hls;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
  }
}
