using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackendSidecar.JsonRpc;

/// <summary>
/// Turns a params binding failure (System.Text.Json's <see cref="JsonException"/>) into the contract's message, which
/// names the field: <c>$.backend: expected string</c>. StreamJsonRpc reports it as -32000 with a stack trace; there is no
/// library for this wording, so it stays ours.
/// </summary>
internal static class ParamsErrors
{
    public static string Describe(JsonException ex, JsonTypeInfo? root)
    {
        var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
        var message = ex.Message;
        // The names are quoted in both the full message and the bare resource key (UseSystemResourceKeys).
        const string RequiredMarker = "missing required properties including: ", RequiredKey = "JsonRequiredPropertiesMissing";
        var required = message.IndexOf(RequiredMarker, StringComparison.Ordinal);
        if (required >= 0 || message.StartsWith(RequiredKey, StringComparison.Ordinal))
        {
            var names = message[(required >= 0 ? required + RequiredMarker.Length : RequiredKey.Length)..].TrimEnd('.', ' ')
                .Split(", ", StringSplitOptions.RemoveEmptyEntries)
                .Where(name => name.StartsWith('\''))
                .Select(name => Child(path, name.Trim('\'')));
            return string.Join(", ", names) + ": required property missing";
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) || message.StartsWith("UnmappedJsonProperty", StringComparison.Ordinal))
        {
            return $"{path}: unknown property";
        }

        var target = root is null ? null : Resolve(root, path);
        return target is not null
            ? $"{path}: expected {Describe(target)}"
            : $"{path}: {ShortReason(FirstSentence(message))}";
    }

    /// <summary>Follows a JSON path like <c>$.a.b[0]['c d']</c> through the metadata; null when it cannot.</summary>
    internal static JsonTypeInfo? Resolve(JsonTypeInfo root, string path)
    {
        try
        {
            var current = root;
            var i = path.StartsWith('$') ? 1 : 0;
            while (i < path.Length)
            {
                string? name = null;
                if (path[i] == '.')
                {
                    var end = path.IndexOfAny(['.', '['], i + 1);
                    end = end < 0 ? path.Length : end;
                    name = path[(i + 1)..end];
                    i = end;
                }
                else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
                {
                    var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return null;
                    }

                    name = path[(i + 2)..end];
                    i = end + 2;
                }
                else if (path[i] == '[')
                {
                    var end = path.IndexOf(']', i + 1);
                    if (end < 0 || current.ElementType is null)
                    {
                        return null;
                    }

                    current = current.Options.GetTypeInfo(current.ElementType);
                    i = end + 1;
                    continue;
                }
                else
                {
                    return null;
                }

                current = Member(current, name);
                if (current is null)
                {
                    return null;
                }
            }

            return current;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null; // metadata not available for that type: fall back to the serializer's message
        }
    }

    private static JsonTypeInfo? Member(JsonTypeInfo current, string name)
    {
        if (current.Kind == JsonTypeInfoKind.Dictionary && current.ElementType is not null)
        {
            return current.Options.GetTypeInfo(current.ElementType);
        }

        var comparison = current.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var property = current.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison));
        return property is null ? null : current.Options.GetTypeInfo(property.PropertyType);
    }

    internal static string Describe(JsonTypeInfo typeInfo)
    {
        var type = Nullable.GetUnderlyingType(typeInfo.Type) ?? typeInfo.Type;
        var orNull = type != typeInfo.Type ? " or null" : "";
        var name = type switch
        {
            _ when type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTime)
                || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Uri) => "string",
            _ when type == typeof(bool) => "boolean",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
                || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) => "integer",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "number",
            _ when type.IsEnum => $"one of the values of {type.Name}",
            _ when type == typeof(JsonElement) => "a JSON value",
            _ => typeInfo.Kind switch
            {
                JsonTypeInfoKind.Enumerable => "array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "object",
                _ => type.Name,
            },
        };
        return name + orNull;
    }

    internal static string Child(string path, string name)
    {
        var simple = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return simple ? $"{path}.{name}" : $"{path}['{name}']";
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    internal static string ShortReason(string message)
    {
        const int MaxLength = 200;
        var text = message.ReplaceLineEndings(" ");
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "...");
    }
}
