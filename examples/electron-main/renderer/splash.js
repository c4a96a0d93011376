// The splash shows each state change until the main process swaps it for the main window.
const state = document.getElementById('state');
window.backend.onStatusChanged((s) => {
  state.textContent = `${s.backend}: ${s.state} (${s.reason})`;
});
window.backend.onStartFailed((error) => {
  state.className = 'error';
  state.textContent = `${error.message} (${error.code})`;
});
