import type { DataCallback, Disposable, Message, MessageReader, MessageWriter } from 'vscode-jsonrpc/node';

/** Which way a message went, seen from the client. */
export type MessageDirection = 'sent' | 'received';

/** Sees every JSON-RPC message the client sends or receives, as it goes over the wire. */
export type MessageObserver = (direction: MessageDirection, message: Message) => void;

/**
 * Puts an observer between vscode-jsonrpc's connection and its reader and writer, for a protocol
 * trace (LSP's "trace.server: verbose") or a test that checks every message against the schema.
 * A throwing observer is ignored: it must not break the connection.
 */
export function tapReader(reader: MessageReader, observer: MessageObserver): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback: DataCallback): Disposable =>
      reader.listen((message) => {
        observe(observer, 'received', message);
        callback(message);
      }),
    dispose: () => reader.dispose(),
  };
}

export function tapWriter(writer: MessageWriter, observer: MessageObserver): MessageWriter {
  return {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message: Message): Promise<void> => {
      observe(observer, 'sent', message);
      return writer.write(message);
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
}

function observe(observer: MessageObserver, direction: MessageDirection, message: Message): void {
  try {
    observer(direction, message);
  } catch {
    // A trace is a bystander.
  }
}
