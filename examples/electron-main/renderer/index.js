// The page: shows the backend's state, lets the user start, stop and restart it.
const state = document.getElementById('state');
const events = document.getElementById('events');

function show(result) {
  if (result.ok) state.textContent = result.result.state ?? result.result.backends?.[0]?.state;
  else events.textContent += `error ${result.error.code}: ${result.error.message}\n`;
}

window.backend.onStatusChanged((s) => {
  if (s.backend === 'api') state.textContent = s.state;
  events.textContent += `${s.backend}: ${s.previousState} -> ${s.state} (${s.reason})${s.pid ? ` pid ${s.pid}` : ''}\n`;
});
window.backend.onSidecarExited((exit) => {
  events.textContent += `the sidecar exited (${exit.signal ?? exit.code})\n`;
});
for (const button of document.querySelectorAll('button[data-call]')) {
  button.addEventListener('click', async () => show(await window.backend[button.dataset.call]('api')));
}
window.backend.status('api').then(show);
