using System.Text.Json;
using System.Text.RegularExpressions;

namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>
/// Validates a document against the subset of JSON Schema 2020-12 that protocol/sidecar-config.schema.json uses,
/// and reports only the first problem, as one line (<c>$.backends.api.health.intervalMs: must be &gt;= 1, got 0</c>).
/// </summary>
/// <remarks>
/// No JSON Schema validator for .NET is available to this project, and the config schema must stay the single source
/// of truth, so this implements exactly the keywords below. The constructor rejects a schema that uses any other
/// validation keyword, so the schema cannot silently outgrow the validator. Object members are checked in document
/// order before <c>required</c>, so a misspelt property is reported as unknown (with a suggestion) rather than as a
/// missing required one. Immutable after construction and safe to share between threads.
/// </remarks>
internal sealed class JsonSchemaValidator
{
    private static readonly HashSet<string> s_annotations =
        ["$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"];

    private static readonly HashSet<string> s_keywords =
    [
        "$defs", "$ref", "type", "enum", "properties", "required", "additionalProperties", "propertyNames", "dependentRequired",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
        "items", "uniqueItems", "oneOf", "anyOf",
    ];

    private readonly JsonElement _root;
    private readonly Dictionary<string, JsonElement> _refs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    /// <exception cref="NotSupportedException">The schema uses a keyword this validator does not implement, or a $ref it cannot resolve.</exception>
    public JsonSchemaValidator(JsonElement schema)
    {
        _root = schema.Clone();
        Prepare(_root, "#");
    }

    /// <summary>The first problem in <paramref name="instance"/>, or <c>null</c> when it conforms.</summary>
    public SchemaError? Validate(JsonElement instance) => Check(instance, _root, JsonPath.Root);

    /// <summary>
    /// Every problem in <paramref name="instance"/> that sits under a different object member, in document order (empty when it
    /// conforms): what <c>check</c> lists so a person fixes a file in one go. Within one value only the first problem is
    /// reported, as by <see cref="Validate"/>.
    /// </summary>
    public IReadOnlyList<SchemaError> ValidateAll(JsonElement instance)
    {
        var all = new List<SchemaError>();
        if (Check(instance, _root, JsonPath.Root, all) is { } error) all.Add(error);
        return all;
    }

    private void Prepare(JsonElement schema, string pointer)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False) return;
        if (schema.ValueKind != JsonValueKind.Object) throw new NotSupportedException($"schema at {pointer} is not an object");
        foreach (var keyword in schema.EnumerateObject())
        {
            if (s_annotations.Contains(keyword.Name)) continue;
            if (!s_keywords.Contains(keyword.Name))
                throw new NotSupportedException($"schema keyword \"{keyword.Name}\" at {pointer} is not supported by {nameof(JsonSchemaValidator)}");
            var at = $"{pointer}/{keyword.Name}";
            switch (keyword.Name)
            {
                case "properties" or "$defs":
                    foreach (var p in keyword.Value.EnumerateObject()) Prepare(p.Value, $"{at}/{p.Name}");
                    break;
                case "additionalProperties" or "propertyNames" or "items":
                    Prepare(keyword.Value, at);
                    break;
                case "oneOf" or "anyOf":
                    var i = 0;
                    foreach (var branch in keyword.Value.EnumerateArray()) Prepare(branch, $"{at}/{i++}");
                    break;
                case "$ref":
                    var target = keyword.Value.GetString()!;
                    _refs[target] = ResolvePointer(target);
                    break;
                case "pattern":
                    var pattern = keyword.Value.GetString()!;
                    _patterns[pattern] = new Regex(pattern, RegexOptions.CultureInvariant);
                    break;
            }
        }
    }

    private JsonElement ResolvePointer(string reference)
    {
        if (!reference.StartsWith('#')) throw new NotSupportedException($"$ref \"{reference}\": only local references (#/...) are supported");
        var node = _root;
        foreach (var raw in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(token, out node))
                throw new NotSupportedException($"$ref \"{reference}\" does not resolve");
        }
        return node;
    }

    /// <param name="sink">When given, objects add their members' problems here and go on to the next member.</param>
    private SchemaError? Check(JsonElement instance, JsonElement schema, string path, List<SchemaError>? sink = null)
    {
        if (schema.ValueKind == JsonValueKind.True) return null;
        if (schema.ValueKind == JsonValueKind.False) return new(path, "is not allowed here");

        if (schema.TryGetProperty("$ref", out var reference) && Check(instance, _refs[reference.GetString()!], path, sink) is { } refError)
            return refError;

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(instance, type))
            return new(path, $"must be {DescribeType(type)}, got {JsonText.Describe(instance)}");

        if (schema.TryGetProperty("enum", out var allowed) && CheckEnum(instance, allowed, path) is { } enumError)
            return enumError;

        var error = instance.ValueKind switch
        {
            JsonValueKind.Number => CheckNumber(instance, schema, path),
            JsonValueKind.String => CheckString(instance.GetString()!, schema, path),
            JsonValueKind.Array => CheckArray(instance, schema, path),
            JsonValueKind.Object => CheckObject(instance, schema, path, sink),
            _ => null,
        };
        if (error is not null) return error;

        if (schema.TryGetProperty("oneOf", out var oneOf) && CheckOneOf(instance, oneOf, path) is { } oneOfError)
            return oneOfError;
        if (schema.TryGetProperty("anyOf", out var anyOf) && CheckAnyOf(instance, anyOf, path) is { } anyOfError)
            return anyOfError;
        // After oneOf: "must have one of http, tcp, stdoutPattern" says more than "expectStatus needs http".
        if (instance.ValueKind == JsonValueKind.Object && schema.TryGetProperty("dependentRequired", out var dependent))
            return CheckDependentRequired(instance, dependent, path);
        return null;
    }

    private static bool TypeMatches(JsonElement instance, JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in type.EnumerateArray())
                if (TypeMatches(instance, t.GetString()!)) return true;
            return false;
        }
        return TypeMatches(instance, type.GetString()!);
    }

    private static bool TypeMatches(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && IsInteger(instance),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"unknown schema type \"{type}\""),
    };

    /// <summary>JSON Schema's integer is mathematical: <c>5.0</c> is one.</summary>
    internal static bool IsInteger(JsonElement number) =>
        number.TryGetInt64(out _) || (number.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d);

    private static string DescribeType(JsonElement type)
    {
        static string One(string t) => t switch
        {
            "object" => "an object",
            "array" => "an array",
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "true or false",
            _ => t,
        };
        return type.ValueKind == JsonValueKind.Array
            ? string.Join(" or ", type.EnumerateArray().Select(t => One(t.GetString()!)))
            : One(type.GetString()!);
    }

    private static SchemaError? CheckEnum(JsonElement instance, JsonElement allowed, string path)
    {
        foreach (var value in allowed.EnumerateArray())
            if (JsonElement.DeepEquals(instance, value)) return null;
        var list = string.Join(", ", allowed.EnumerateArray().Select(JsonText.Literal));
        var hint = instance.ValueKind == JsonValueKind.String
            ? Suggestions.DidYouMean(instance.GetString()!, allowed.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!))
            : "";
        return new(path, $"must be one of {list}, got {JsonText.Describe(instance)}{hint}");
    }

    private static SchemaError? CheckNumber(JsonElement instance, JsonElement schema, string path)
    {
        // 1e400 is valid JSON but no double; say so rather than let GetDouble throw.
        if (!instance.TryGetDouble(out var value) || !double.IsFinite(value))
            return new(path, $"is out of range, got {instance.GetRawText()}");
        if (schema.TryGetProperty("minimum", out var min) && value < min.GetDouble())
            return new(path, $"must be >= {min.GetRawText()}, got {instance.GetRawText()}");
        if (schema.TryGetProperty("exclusiveMinimum", out var xmin) && value <= xmin.GetDouble())
            return new(path, $"must be > {xmin.GetRawText()}, got {instance.GetRawText()}");
        if (schema.TryGetProperty("maximum", out var max) && value > max.GetDouble())
            return new(path, $"must be <= {max.GetRawText()}, got {instance.GetRawText()}");
        if (schema.TryGetProperty("exclusiveMaximum", out var xmax) && value >= xmax.GetDouble())
            return new(path, $"must be < {xmax.GetRawText()}, got {instance.GetRawText()}");
        return null;
    }

    private SchemaError? CheckString(string value, JsonElement schema, string path)
    {
        // JSON Schema counts code points, not UTF-16 units.
        var length = value.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var minLength) && length < minLength.GetInt32())
            return new(path, minLength.GetInt32() == 1 ? "must not be empty" : $"must be at least {minLength.GetInt32()} characters long");
        if (schema.TryGetProperty("maxLength", out var maxLength) && length > maxLength.GetInt32())
            return new(path, $"must be at most {maxLength.GetInt32()} characters long, got {length}");
        if (schema.TryGetProperty("pattern", out var pattern) && !_patterns[pattern.GetString()!].IsMatch(value))
            return new(path, $"must match {pattern.GetString()}, got {JsonText.Quote(value)}");
        return null;
    }

    private SchemaError? CheckArray(JsonElement instance, JsonElement schema, string path)
    {
        var hasItems = schema.TryGetProperty("items", out var items);
        var unique = schema.TryGetProperty("uniqueItems", out var u) && u.ValueKind == JsonValueKind.True;
        var seen = new List<JsonElement>();
        var i = 0;
        foreach (var item in instance.EnumerateArray())
        {
            var itemPath = JsonPath.Index(path, i);
            if (hasItems && Check(item, items, itemPath) is { } error) return error;
            if (unique)
            {
                var first = seen.FindIndex(s => JsonElement.DeepEquals(s, item));
                if (first >= 0) return new(itemPath, $"duplicate of item [{first}]");
                seen.Add(item);
            }
            i++;
        }
        return null;
    }

    private SchemaError? CheckObject(JsonElement instance, JsonElement schema, string path, List<SchemaError>? sink)
    {
        // Collecting: each problem goes to the sink and the next member is checked; without a sink the first one is returned.
        SchemaError? Found(SchemaError error)
        {
            if (sink is null) return error;
            sink.Add(error);
            return null;
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        var hasNames = schema.TryGetProperty("propertyNames", out var names);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var member in instance.EnumerateObject())
        {
            var memberPath = JsonPath.Property(path, member.Name);
            if (!seen.Add(member.Name))
            {
                if (Found(new(memberPath, "duplicate property")) is { } duplicate) return duplicate;
                continue;
            }

            if (hasNames && Check(StringElement(member.Name), names, memberPath) is { } nameError)
            {
                if (Found(new(memberPath, $"invalid name: {nameError.Problem}")) is { } invalidName) return invalidName;
                continue;
            }

            if (hasProperties && properties.TryGetProperty(member.Name, out var propertySchema))
            {
                if (Check(member.Value, propertySchema, memberPath, sink) is { } error && Found(error) is { } first) return first;
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.False)
            {
                var known = hasProperties ? properties.EnumerateObject().Select(p => p.Name).ToList() : [];
                var hint = Suggestions.DidYouMean(member.Name, known);
                if (hint.Length == 0 && known.Count > 0) hint = $" (allowed: {string.Join(", ", known)})";
                if (Found(new(memberPath, $"unknown property{hint}")) is { } unknown) return unknown;
            }
            else if (hasAdditional && Check(member.Value, additional, memberPath, sink) is { } error && Found(error) is { } first)
            {
                return first;
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
                if (!instance.TryGetProperty(name.GetString()!, out _))
                    if (Found(new(JsonPath.Property(path, name.GetString()!), "required property is missing")) is { } missing) return missing;
        }

        return null;
    }

    private static SchemaError? CheckDependentRequired(JsonElement instance, JsonElement dependent, string path)
    {
        foreach (var rule in dependent.EnumerateObject())
        {
            if (!instance.TryGetProperty(rule.Name, out _)) continue;
            foreach (var needed in rule.Value.EnumerateArray())
                if (!instance.TryGetProperty(needed.GetString()!, out _))
                    return new(JsonPath.Property(path, rule.Name), $"only allowed together with {JsonText.Quote(needed.GetString()!)}");
        }
        return null;
    }

    private SchemaError? CheckOneOf(JsonElement instance, JsonElement branches, string path)
    {
        // "Exactly one of these properties" is the common use; say it in those words rather than as nested branch errors.
        if (RequiredOnlyNames(branches) is { } alternatives && instance.ValueKind == JsonValueKind.Object)
        {
            var present = alternatives.Where(a => instance.TryGetProperty(a, out _)).ToList();
            if (present.Count == 1) return null;
            var all = JoinAlternatives(alternatives);
            return present.Count == 0
                ? new(path, $"must have one of {all}")
                : new(path, $"must have only one of {all}, found {string.Join(" and ", present.Select(JsonText.Quote))}");
        }

        var errors = new List<SchemaError>();
        foreach (var branch in branches.EnumerateArray())
            if (Check(instance, branch, path) is { } e) errors.Add(e);
        var matches = branches.GetArrayLength() - errors.Count;
        if (matches == 1) return null;
        return matches == 0 ? MostSpecific(errors) : new(path, "matches more than one of the allowed forms");
    }

    private SchemaError? CheckAnyOf(JsonElement instance, JsonElement branches, string path)
    {
        var errors = new List<SchemaError>();
        foreach (var branch in branches.EnumerateArray())
        {
            if (Check(instance, branch, path) is not { } e) return null;
            errors.Add(e);
        }
        return MostSpecific(errors);
    }

    /// <summary>The error that got deepest into the document is most likely the one the author meant.</summary>
    private static SchemaError MostSpecific(List<SchemaError> errors) => errors.MaxBy(e => e.Path.Length)!;

    private static List<string>? RequiredOnlyNames(JsonElement branches)
    {
        var names = new List<string>();
        foreach (var branch in branches.EnumerateArray())
        {
            if (branch.ValueKind != JsonValueKind.Object) return null;
            foreach (var keyword in branch.EnumerateObject())
            {
                if (keyword.Name == "required") names.AddRange(keyword.Value.EnumerateArray().Select(n => n.GetString()!));
                else if (!s_annotations.Contains(keyword.Name)) return null;
            }
        }
        return names.Count == branches.GetArrayLength() ? names : null;
    }

    private static string JoinAlternatives(List<string> names)
    {
        var quoted = names.Select(JsonText.Quote).ToList();
        return quoted.Count == 1 ? quoted[0] : $"{string.Join(", ", quoted.Take(quoted.Count - 1))} or {quoted[^1]}";
    }

    private static JsonElement StringElement(string value)
    {
        using var document = JsonDocument.Parse(JsonText.Encode(value));
        return document.RootElement.Clone();
    }
}
