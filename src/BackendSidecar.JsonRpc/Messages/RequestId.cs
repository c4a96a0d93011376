using System.Text.Json;

namespace BackendSidecar.JsonRpc.Messages;

/// <summary>
/// A request id: a JSON number or string, kept exactly as received so that replies echo it byte for byte
/// (<c>1.0</c> stays <c>1.0</c>, <c>"\u0061"</c> stays escaped).
/// </summary>
/// <remarks>
/// Two ids are equal when both are numbers with the same JSON text, or both are strings with the same
/// decoded value. Immutable and thread-safe. <c>default(RequestId)</c> is not a valid id.
/// </remarks>
public readonly struct RequestId : IEquatable<RequestId>
{
    private readonly string? _json;
    private readonly string? _stringValue;

    private RequestId(string json, string? stringValue)
    {
        _json = json;
        _stringValue = stringValue;
    }

    /// <summary><see langword="true"/> when the id is a JSON number.</summary>
    public bool IsNumber => _json is not null && _stringValue is null;

    /// <summary><see langword="true"/> when the id is a JSON string.</summary>
    public bool IsString => _stringValue is not null;

    /// <summary>The decoded value of a string id, otherwise <see langword="null"/>.</summary>
    public string? StringValue => _stringValue;

    /// <summary>The id as JSON text, exactly as received (or as created).</summary>
    public string Json => _json ?? throw new InvalidOperationException("default(RequestId) is not a valid id.");

    /// <summary>Creates a numeric id.</summary>
    public static RequestId FromNumber(long value) =>
        new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), null);

    /// <summary>Creates a string id.</summary>
    /// <exception cref="ArgumentException">The string is not valid UTF-16 (a lone surrogate).</exception>
    public static RequestId FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new RequestId(JsonSerializer.Serialize(value, JsonRpcJsonContext.Default.String), value);
    }

    /// <summary>
    /// Reads an id from a JSON value: a number or a string. Anything else (null, bool, object, array,
    /// text that cannot be decoded) is not an id.
    /// </summary>
    public static bool TryFrom(JsonElement element, out RequestId id)
    {
        id = default;
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Number:
                    id = new RequestId(element.GetRawText(), null);
                    return true;
                case JsonValueKind.String:
                    id = new RequestId(element.GetRawText(), element.GetString()!);
                    return true;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or a lone surrogate: the id cannot be echoed faithfully, so it is not one.
            return false;
        }
    }

    /// <summary>Writes the id exactly as received.</summary>
    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Json, skipInputValidation: true);

    /// <inheritdoc/>
    public bool Equals(RequestId other) =>
        IsString ? other.IsString && string.Equals(_stringValue, other._stringValue, StringComparison.Ordinal)
                 : !other.IsString && string.Equals(_json, other._json, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RequestId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        IsString ? HashCode.Combine(1, _stringValue) : HashCode.Combine(2, _json);

    /// <summary>The id as JSON text.</summary>
    public override string ToString() => _json ?? "<none>";

    /// <summary>Compares two ids.</summary>
    public static bool operator ==(RequestId left, RequestId right) => left.Equals(right);

    /// <summary>Compares two ids.</summary>
    public static bool operator !=(RequestId left, RequestId right) => !left.Equals(right);
}
