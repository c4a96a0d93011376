namespace BackendSidecar.Core.State;

/// <summary>What <see cref="OrphanReaper.ReapAsync"/> did, for one log line.</summary>
/// <param name="Stopped">Leftovers of a dead sidecar that were stopped.</param>
/// <param name="StaleRemoved">Backends whose record proved nothing alive any more and was removed.</param>
/// <param name="KeptLive">Backends whose sidecar is still running: left alone, record kept.</param>
public sealed record OrphanReapResult(
    IReadOnlyList<StoppedLeftover> Stopped, IReadOnlyList<string> StaleRemoved, IReadOnlyList<string> KeptLive)
{
    /// <summary>True when there was nothing to do.</summary>
    public bool IsEmpty => Stopped.Count == 0 && StaleRemoved.Count == 0 && KeptLive.Count == 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Stopped.Count > 0) parts.Add("stopped leftovers of a dead sidecar: " + string.Join(", ", Stopped));
        if (StaleRemoved.Count > 0) parts.Add("removed stale records: " + string.Join(", ", StaleRemoved));
        if (KeptLive.Count > 0) parts.Add("kept records of a running sidecar: " + string.Join(", ", KeptLive));
        return parts.Count == 0 ? "no leftovers" : string.Join("; ", parts);
    }
}

/// <summary>One stopped leftover.</summary>
/// <param name="Backend">The backend's name.</param>
/// <param name="Pid">The leader's PID from the record (it may have been gone already, leaving only descendants).</param>
/// <param name="Graceful">True when SIGTERM was enough.</param>
public sealed record StoppedLeftover(string Backend, int Pid, bool Graceful)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Backend} (pid {Pid}{(Graceful ? "" : ", needed SIGKILL")})";
}
