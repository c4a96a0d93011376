#!/usr/bin/env node
// Validates transcripts (JSON Lines of the messages a sidecar sent and received) against
// protocol/backend-sidecar.openrpc.json. Exit code 0: every message matches; 1: some do not
// (each is listed on stderr); 2: bad usage or unreadable input.
//
//   node protocol/typescript/scripts/validate-transcript.mjs [--check-in] [--document FILE]
//        [--config-schema FILE] <transcript.jsonl>...
import { readFileSync } from 'node:fs';
import { ProtocolValidator } from './protocolValidator.mjs';
import { validateTranscript } from './transcript.mjs';

const usage = 'usage: validate-transcript.mjs [--check-in] [--document FILE] [--config-schema FILE] <transcript.jsonl>...';

function parseArgs(argv) {
  const options = { files: [], checkIncoming: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check-in') options.checkIncoming = true;
    else if (arg === '--document' || arg === '--config-schema') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a file`);
      options[arg === '--document' ? 'documentPath' : 'configSchemaPath'] = value;
    } else if (arg === '-h' || arg === '--help') {
      options.help = true;
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  return options;
}

function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    return 2;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  if (options.files.length === 0) {
    console.error(usage);
    return 2;
  }
  const validator = ProtocolValidator.load(options);
  if (!validator.hasConfigSchema) console.error('note: sidecar-config.schema.json not found; initialize.params.config is only checked to be an object');
  let failed = 0;
  for (const file of options.files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`${file}: ${e.message}`);
      return 2;
    }
    const result = validateTranscript(text, validator, { checkIncoming: options.checkIncoming });
    for (const error of result.errors) console.error(`${file}:${error.line}: ${error.message}`);
    failed += result.errors.length;
    console.log(`${file}: ${result.messages} messages on ${result.lines} lines, ${result.errors.length} problems`);
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
