namespace BackendSidecar.JsonRpc.Framing;

/// <summary>Limits applied by the framings.</summary>
/// <remarks>Immutable once handed to a framing.</remarks>
public sealed record MessageFramingOptions
{
    /// <summary>The default <see cref="MaxMessageBytes"/>: 8 MiB.</summary>
    public const int DefaultMaxMessageBytes = 8 * 1024 * 1024;

    /// <summary>The default <see cref="MaxHeaderBytes"/>: 8 KiB.</summary>
    public const int DefaultMaxHeaderBytes = 8 * 1024;

    /// <summary>The largest message body accepted, in bytes; a larger one is refused and skipped.</summary>
    /// <value>8 MiB by default. Must be at least 1.</value>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>The largest header block accepted by <see cref="HeaderFraming"/>, in bytes.</summary>
    /// <value>8 KiB by default. Must be at least 64.</value>
    public int MaxHeaderBytes { get; init; } = DefaultMaxHeaderBytes;

    /// <summary>The defaults.</summary>
    public static MessageFramingOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1, nameof(MaxMessageBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderBytes, 64, nameof(MaxHeaderBytes));
    }
}
