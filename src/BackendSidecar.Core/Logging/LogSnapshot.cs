namespace BackendSidecar.Core.Logging;

/// <summary>The answer of <see cref="LogRingBuffer.Read"/>.</summary>
/// <param name="Entries">Matching entries, oldest first.</param>
/// <param name="NextSeq">Where to continue: pass <c>NextSeq - 1</c> as <c>afterSeq</c> to get only what came after.</param>
/// <param name="Truncated">Something the caller asked for is not in <paramref name="Entries"/>: it was overwritten, or
/// it did not fit into <c>tail</c>.</param>
public sealed record LogSnapshot(IReadOnlyList<LogEntry> Entries, long NextSeq, bool Truncated);
