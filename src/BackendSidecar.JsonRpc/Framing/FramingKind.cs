namespace BackendSidecar.JsonRpc.Framing;

/// <summary>How messages are delimited on the byte stream.</summary>
public enum FramingKind
{
    /// <summary>
    /// <c>Content-Length: N\r\n</c> (optional <c>Content-Type</c>), a blank line, then N bytes of UTF-8 JSON,
    /// as LSP and vscode-jsonrpc speak it.
    /// </summary>
    Header,

    /// <summary>Newline-delimited JSON: one message per line.</summary>
    Ndjson,
}
