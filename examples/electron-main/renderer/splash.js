// The splash shows each state change until the main process swaps it for the main window, and while the
// backend loads (protocol 1.1 `progress`, from health.progress) how far it got.
const state = document.getElementById('state');
const bar = document.getElementById('progress');
window.backend.onStatusChanged((s) => {
  const p = s.state === 'starting' ? s.progress : null;
  if (p) {
    const percent = typeof p.percent === 'number' ? `${Math.floor(p.percent)}%` : '';
    state.textContent = `${s.backend}: loading ${[percent, p.message].filter(Boolean).join(' ')}`;
    bar.hidden = typeof p.percent !== 'number';
    if (typeof p.percent === 'number') bar.value = p.percent;
    return;
  }
  bar.hidden = true;
  state.textContent = `${s.backend}: ${s.state} (${s.reason})`;
});
window.backend.onStartFailed((error) => {
  bar.hidden = true;
  state.className = 'error';
  state.textContent = `${error.message} (${error.code})`;
});
