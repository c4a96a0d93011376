namespace BackendSidecar.Core.Diagnostics;

public enum CheckSeverity { Error, Warning, Info }

/// <summary>One preflight finding: <c>command</c> found where, <c>port</c> free or held by whom.</summary>
/// <param name="Detail">Facts behind the message (strings, numbers, string lists), for hosts that want to show them.</param>
public sealed record Check(string Id, bool Ok, CheckSeverity Severity, string Message, IReadOnlyDictionary<string, object?>? Detail = null);
