namespace BackendSidecar.Core.Configuration;

/// <summary>A loaded configuration: every backend, in the file's order.</summary>
public sealed record SidecarConfig
{
    public required IReadOnlyList<BackendOptions> Backends { get; init; }

    /// <summary>Absolute path of the file it came from; <c>null</c> for an inline config.</summary>
    public string? SourcePath { get; init; }

    public string? Profile { get; init; }

    public static SidecarConfig Empty { get; } = new() { Backends = [] };
}
