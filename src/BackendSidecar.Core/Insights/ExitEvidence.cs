using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Insights;

/// <summary>Everything the sidecar can see about one exit, gathered by the supervisor for <see cref="ExitCauseRules"/>.</summary>
public sealed record ExitEvidence
{
    /// <summary>How many of the backend's last output lines are worth passing: enough for a typical traceback.</summary>
    public const int TailLines = 50;

    /// <summary>The exit code; null when a signal ended the process.</summary>
    public int? Code { get; init; }

    /// <summary>The signal that ended the process; null when it exited with a code.</summary>
    public int? Signal { get; init; }

    /// <summary>Why the sidecar signalled the backend before this exit; null when it sent nothing.</summary>
    public SidecarStopReason? StoppedBy { get; init; }

    /// <summary>The backend's last output lines (stdout and stderr, oldest first), at most <see cref="TailLines"/>.</summary>
    public IReadOnlyList<string> LastLines { get; init; } = [];

    /// <summary>The configured port, for the hint.</summary>
    public int? Port { get; init; }

    /// <summary>True when another process held the port when the backend exited.</summary>
    public bool PortHeldByOther { get; init; }

    public OomIndication Oom { get; init; } = OomIndication.Unknown;

    public static ExitEvidence From(ProcessExit exit) => new() { Code = exit.Signal is null ? exit.Code : null, Signal = exit.Signal };

    /// <summary>True unless the process exited with code 0.</summary>
    public bool IsAbnormal => Signal is not null || Code is not 0;

    /// <summary>"killed by SIGTERM", "exited with code 3".</summary>
    public string ExitText => Signal is { } s ? $"killed by {Signals.Name(s)}" : Code is { } c ? $"exited with code {c}" : "exited";
}
