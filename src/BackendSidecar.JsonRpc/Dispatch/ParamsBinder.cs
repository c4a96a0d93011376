using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BackendSidecar.JsonRpc.Messages;

namespace BackendSidecar.JsonRpc.Dispatch;

/// <summary>
/// Binds request params to a type through its <see cref="JsonTypeInfo{T}"/> and turns binding failures
/// into -32602 errors whose message names the field: <c>Invalid params: $.backend: expected string</c>.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class ParamsBinder
{
    private const string Prefix = "Invalid params: ";
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}"u8.ToArray()).RootElement;

    public static T Bind<T>(JsonElement? parameters, JsonTypeInfo<T> typeInfo)
    {
        var element = parameters ?? (typeInfo.Kind == JsonTypeInfoKind.Object
            ? EmptyObject
            : throw Invalid("$: params are required"));
        try
        {
            var value = element.Deserialize(typeInfo);
            return value ?? throw Invalid($"$: expected {Describe(typeInfo)}");
        }
        catch (JsonException ex)
        {
            throw Invalid(DescribeFailure(ex, typeInfo));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException or OverflowException)
        {
            // Text that is not valid UTF-8, or a converter that refused the value.
            throw Invalid($"$: {JsonRpcMessageParser.ShortReason(ex.Message)}");
        }
    }

    public static void RequireNone(JsonElement? parameters)
    {
        if (parameters is not { } element)
        {
            return;
        }

        var empty = element.ValueKind switch
        {
            JsonValueKind.Object => !element.EnumerateObject().Any(),
            JsonValueKind.Array => element.GetArrayLength() == 0,
            _ => false,
        };
        if (!empty)
        {
            throw Invalid("$: this method takes no params");
        }
    }

    internal static string DescribeFailure(JsonException ex, JsonTypeInfo root)
    {
        var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
        var message = ex.Message;
        const string RequiredMarker = "missing required properties including: ";
        var required = message.IndexOf(RequiredMarker, StringComparison.Ordinal);
        if (required >= 0)
        {
            var names = message[(required + RequiredMarker.Length)..].TrimEnd('.', ' ')
                .Split(", ", StringSplitOptions.RemoveEmptyEntries)
                .Select(name => Child(path, name.Trim('\'')));
            return string.Join(", ", names) + ": required property missing";
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return $"{path}: unknown property";
        }

        var target = Resolve(root, path);
        return target is not null
            ? $"{path}: expected {Describe(target)}"
            : $"{path}: {JsonRpcMessageParser.ShortReason(FirstSentence(message))}";
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

    private static string Child(string path, string name)
    {
        var simple = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return simple ? $"{path}.{name}" : $"{path}['{name}']";
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static RpcException Invalid(string detail) =>
        new(JsonRpcErrorCodes.InvalidParams, Prefix + detail);
}
