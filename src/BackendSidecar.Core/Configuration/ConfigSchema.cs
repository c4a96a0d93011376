using System.Text.Json;
using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Configuration;

/// <summary>
/// protocol/sidecar-config.schema.json, embedded in this assembly: the single source of truth for the configuration's shape,
/// ranges and defaults. <see cref="ConfigLoader"/> validates every configuration against it before reading values.
/// </summary>
public static class ConfigSchema
{
    private const string ResourceName = "sidecar-config.schema.json";

    private static readonly Lazy<string> s_json = new(ReadResource);
    private static readonly Lazy<JsonSchemaValidator> s_validator = new(() =>
    {
        using var document = JsonDocument.Parse(s_json.Value);
        return new JsonSchemaValidator(document.RootElement);
    });

    /// <summary>The schema's JSON text, as shipped (for <c>$schema</c> files, editors, or a <c>schema</c> command).</summary>
    public static string Json => s_json.Value;

    internal static JsonSchemaValidator Validator => s_validator.Value;

    private static string ReadResource()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from {typeof(ConfigSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
