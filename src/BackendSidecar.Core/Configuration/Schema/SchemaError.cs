namespace BackendSidecar.Core.Configuration.Schema;

/// <summary>The first place where a document breaks its schema: a JSON path and a one-line problem.</summary>
internal sealed record SchemaError(string Path, string Problem);
