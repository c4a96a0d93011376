using System.Globalization;
using System.Text;

namespace BackendSidecar.Core.State;

/// <summary>
/// A short name for a string that stays the same across runs and versions: FNV-1a (64 bits) of its UTF-8, in hex. It keeps
/// names apart (configurations' folders, backends' record files); it proves nothing, so it need not resist collisions.
/// </summary>
/// <remarks>
/// Not SHA-256: on Linux .NET computes that in OpenSSL, and loading libssl and libcrypto was about 9% of the sidecar's CPU
/// up to the initialize answer (perf over 21 cold starts of the NativeAOT build), for a hash that guards nothing.
/// </remarks>
internal static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The first <paramref name="digits"/> (at most 16) lowercase hex digits of the hash of <paramref name="text"/>.</summary>
    public static string Hex(string text, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 16);
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= Prime;
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture)[..digits];
    }
}
