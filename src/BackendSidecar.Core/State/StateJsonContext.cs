using System.Text.Json.Serialization;

namespace BackendSidecar.Core.State;

/// <summary>Source-generated (reflection-free) serialization of the state files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BackendStateRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
