using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Processes;

namespace BackendSidecar.Core.Supervision;

public sealed partial class BackendSupervisor
{
    /// <summary><paramref name="exit"/> with <c>cause</c> and <c>hint</c> from the evidence the supervisor has (protocol 1.1).</summary>
    private ProcessExit Diagnosed(Instance instance, ProcessExit exit, OomIndication oom, bool portHeldByOther)
    {
        var evidence = ExitEvidence.From(exit) with
        {
            StoppedBy = instance.StoppedBy,
            LastLines = LastOutputLines(ExitEvidence.TailLines, instance.FromSeq),
            Port = Options.Port,
            PortHeldByOther = portHeldByOther,
            Oom = oom,
        };
        var diagnosis = ExitCauseRules.Diagnose(evidence);
        return exit with { Cause = diagnosis.Cause, Hint = diagnosis.Hint };
    }

    /// <summary>The out-of-memory counters, read only for a SIGKILL (or a 137) that the sidecar did not send.</summary>
    private static OomIndication OomEvidenceOf(Instance instance, ProcessExit exit)
    {
        var killed = exit.Signal == Signals.SIGKILL || (exit.Signal is null && exit.Code == 128 + Signals.SIGKILL);
        if (!killed || instance.StoppedBy is not null || instance.Oom is not { } oom || instance.Pid is not { } pid)
            return OomIndication.Unknown;
        return oom.Conclude(pid);
    }

    /// <summary>After an abnormal exit (and its group's remnants killed): is the configured port held by someone else?</summary>
    /// <remarks>Outside the gate (with the rest of the exit's facts): on macOS the look-up runs lsof.</remarks>
    private async ValueTask<bool> PortHeldByAnotherAsync(ProcessExit exit) =>
        Options.Port is { } port && (exit.Signal is not null || exit.Code is not 0)
        && await _services.Ports.FindListenerAsync(port).ConfigureAwait(false) is not null;
}
