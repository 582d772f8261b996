// Follows assets over server-sent events and calls back with each new state ({id, status, progress, jobs…}).
export function follow(ids, onChange) {
  if (!ids.length || !window.EventSource) return null;
  const source = new EventSource(`/api/assets/live?ids=${encodeURIComponent(ids.join(','))}`);
  source.addEventListener('asset', (event) => onChange(JSON.parse(event.data)));
  return source;
}

export function label(status) {
  return status.charAt(0) + status.slice(1).toLowerCase();
}
