namespace BackendSidecar.Core.Insights;

/// <summary>The contract's <c>BackendStatus.resources</c>: what a backend's whole process group uses.</summary>
/// <param name="CpuPercent">CPU time between this sample and the previous one, in percent of one core; null on the first sample.</param>
/// <param name="RssBytes">Resident memory of the group's processes, summed.</param>
/// <param name="Processes">Live processes in the group.</param>
public sealed record ResourceUsage(double? CpuPercent, long RssBytes, int Processes);

/// <summary>One reading of a process group's counters; two of them give a CPU percentage.</summary>
/// <param name="CpuTime">utime + stime of the live members, summed.</param>
/// <param name="TakenAt">A <see cref="TimeProvider.GetTimestamp"/> value.</param>
public sealed record GroupSample(TimeSpan CpuTime, long RssBytes, int Processes, long TakenAt);
