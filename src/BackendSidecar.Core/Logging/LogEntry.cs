namespace BackendSidecar.Core.Logging;

public enum LogStream { Stdout, Stderr, Sidecar }

/// <summary>One line of a backend's output (or a line the sidecar wrote about it), numbered per backend from 1.</summary>
public sealed record LogEntry(long Seq, DateTimeOffset Time, LogStream Stream, string Text);
