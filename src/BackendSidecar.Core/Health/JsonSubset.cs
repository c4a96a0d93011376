using System.Text.Json;

namespace BackendSidecar.Core.Health;

/// <summary>The <c>expectJson</c> rule: every expected property present with an equal value, recursively; anything
/// that is not an object (arrays included) compared whole.</summary>
internal static class JsonSubset
{
    private const int MaxShown = 60;

    /// <returns><c>null</c> when <paramref name="actual"/> matches; otherwise the first difference, e.g.
    /// <c>status is "loading", expected "ok"</c>.</returns>
    public static string? FindMismatch(JsonElement expected, JsonElement actual, string path = "")
    {
        if (expected.ValueKind == JsonValueKind.Object)
        {
            if (actual.ValueKind != JsonValueKind.Object)
            {
                return $"{Name(path)} is {Show(actual)}, expected an object";
            }

            foreach (var property in expected.EnumerateObject())
            {
                var childPath = path.Length == 0 ? property.Name : path + "." + property.Name;
                if (!actual.TryGetProperty(property.Name, out var value))
                {
                    return $"{childPath} is missing";
                }

                if (FindMismatch(property.Value, value, childPath) is { } mismatch)
                {
                    return mismatch;
                }
            }

            return null;
        }

        // DeepEquals compares numbers by value (1 equals 1.0) and arrays element by element, in order.
        return JsonElement.DeepEquals(expected, actual) ? null : $"{Name(path)} is {Show(actual)}, expected {Show(expected)}";
    }

    private static string Name(string path) => path.Length == 0 ? "the body" : path;

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= MaxShown ? text : text[..MaxShown] + "…";
    }
}
