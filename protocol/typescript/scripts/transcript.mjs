// Validates a transcript: JSON Lines, one message per line as the sidecar sent or received it.
// Line format (see protocol/README.md, "Transcripts"):
//   {"dir":"in"|"out", "message": <message or batch>, "method"?: string|null, "methods"?: (string|null)[],
//    "time"?: string, "framing"?: "header"|"ndjson", "note"?: string}
// A response's request method comes from "method" (single message), "methods" (batch, by
// position) or, failing those, from an earlier "in" line with the same id.

const lineKeys = new Set(['dir', 'message', 'method', 'methods', 'time', 'framing', 'note']);

/**
 * @param {string} text the transcript
 * @param {import('./protocolValidator.mjs').ProtocolValidator} validator
 * @param {{checkIncoming?: boolean}} [options] checkIncoming: also validate "in" messages (off by
 *   default, because tests send malformed input on purpose)
 * @returns {{lines: number, messages: number, errors: {line: number, message: string}[]}}
 */
export function validateTranscript(text, validator, options = {}) {
  const errors = [];
  const pending = new Map(); // request id (JSON) -> method, from "in" lines
  let lines = 0;
  let messages = 0;
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    lines++;
    const report = (message) => errors.push({ line: lineNo, message });
    let entry;
    try {
      entry = JSON.parse(raw);
    } catch (e) {
      report(`not JSON: ${e.message}`);
      return;
    }
    const problems = checkLine(entry);
    if (problems.length > 0) {
      problems.forEach(report);
      return;
    }
    const batch = Array.isArray(entry.message) ? entry.message : [entry.message];
    // A client may send an empty batch on purpose (it gets -32600); the sidecar must never send one.
    if (Array.isArray(entry.message) && entry.message.length === 0 && (entry.dir === 'out' || options.checkIncoming)) report('an empty batch');
    batch.forEach((message, position) => {
      messages++;
      const where = Array.isArray(entry.message) ? `[${position}] ` : '';
      if (entry.dir === 'in') {
        recordRequest(message, pending);
        if (options.checkIncoming) validator.validateIncoming(message).forEach((m) => report(`in ${where}${label(message)}: ${m}`));
        return;
      }
      const method = requestMethodOf(entry, position, message, pending);
      validator.validateOutgoing(message, method).forEach((m) => report(`out ${where}${label(message, method)}: ${m}`));
    });
  });
  return { lines, messages, errors };
}

function checkLine(entry) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return ['a transcript line must be a JSON object'];
  const problems = Object.keys(entry).filter((k) => !lineKeys.has(k)).map((k) => `unknown transcript key ${JSON.stringify(k)}`);
  if (entry.dir !== 'in' && entry.dir !== 'out') problems.push('"dir" must be "in" or "out"');
  if (!('message' in entry)) problems.push('"message" is missing');
  if ('method' in entry && entry.method !== null && typeof entry.method !== 'string') problems.push('"method" must be a string or null');
  if ('methods' in entry && (!Array.isArray(entry.methods) || !Array.isArray(entry.message) || entry.methods.length !== entry.message.length)) {
    problems.push('"methods" must be an array as long as the batch in "message"');
  }
  if ('method' in entry && Array.isArray(entry.message)) problems.push('a batch takes "methods", not "method"');
  if ('framing' in entry && entry.framing !== 'header' && entry.framing !== 'ndjson') problems.push('"framing" must be "header" or "ndjson"');
  return problems;
}

function recordRequest(message, pending) {
  if (message && typeof message === 'object' && typeof message.method === 'string' && 'id' in message && message.id !== null) {
    pending.set(JSON.stringify(message.id), message.method);
  }
}

function requestMethodOf(entry, position, message, pending) {
  const isResponse = message && typeof message === 'object' && !('method' in message) && 'id' in message;
  if (!isResponse) return undefined;
  const key = JSON.stringify(message.id);
  const recorded = pending.get(key);
  pending.delete(key);
  if (Array.isArray(entry.methods) && entry.methods[position] != null) return entry.methods[position];
  if (typeof entry.method === 'string') return entry.method;
  return recorded;
}

function label(message, method) {
  if (message && typeof message === 'object' && typeof message.method === 'string') return message.method;
  const id = message && typeof message === 'object' ? JSON.stringify(message.id) : '?';
  return method ? `response ${id} (${method})` : `response ${id}`;
}
