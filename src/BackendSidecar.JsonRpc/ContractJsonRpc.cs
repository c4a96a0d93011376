using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace BackendSidecar.JsonRpc;

/// <summary>
/// StreamJsonRpc's <see cref="StreamJsonRpc.JsonRpc"/> with the contract's error objects: a params binding failure is -32602 naming the
/// field, a handler's failure is mapped by the host or is a bare -32603, and no error carries a stack trace. Notifications
/// go out through <see cref="NotifyAsync{T}"/>, which stays trim- and AOT-safe.
/// </summary>
public class ContractJsonRpc : StreamJsonRpc.JsonRpc
{
    private readonly ContractRpcOptions _options;
    private readonly SystemTextJsonFormatter _formatter;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly Dictionary<string, JsonTypeInfo?> _paramsTypes = new(StringComparer.Ordinal);

    /// <summary>Creates the connection over <paramref name="handler"/>; add targets, then call <see cref="StreamJsonRpc.JsonRpc.StartListening"/>.</summary>
    public ContractJsonRpc(ContractMessageHandler handler, ContractRpcOptions? options = null)
        : base(handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new ContractRpcOptions();
        _formatter = (SystemTextJsonFormatter)handler.Formatter;
        _serializerOptions = _formatter.JsonSerializerOptions;
    }

    /// <summary>
    /// The formatter for the contract: System.Text.Json with the settings and source-generated metadata of
    /// <paramref name="context"/> only (its naming policy included: a context used as a bare resolver loses it).
    /// </summary>
    // The formatter is trim-safe when every type it meets comes from a source-generated context, as here (no reflection resolver is added).
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Metadata comes from the source-generated resolver.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Metadata comes from the source-generated resolver.")]
    public static SystemTextJsonFormatter CreateFormatter(System.Text.Json.Serialization.JsonSerializerContext context) => new()
    {
        JsonSerializerOptions = new JsonSerializerOptions(context.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(context, ContractJsonContext.Default),
        },
    };

    /// <summary>
    /// Serves the methods of <paramref name="target"/> that <paramref name="metadata"/> describes (the NativeAOT-safe way:
    /// metadata from a PolyType shape), and remembers each method's params type to name the field of a binding failure.
    /// </summary>
    public void AddTarget(RpcTargetMetadata metadata, object target)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        AddLocalRpcTarget(metadata, target, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        foreach (var (name, methods) in metadata.AliasedMethods.Concat(metadata.Methods))
        {
            var parameter = methods[0].MethodInfo.GetParameters().FirstOrDefault(p => p.ParameterType != typeof(CancellationToken));
            _paramsTypes.TryAdd(name, parameter is null ? null : _serializerOptions.GetTypeInfo(parameter.ParameterType));
        }
    }

    /// <summary>Sends a notification whose params are <paramref name="value"/>; its type must be in the formatter's metadata.</summary>
    public async Task NotifyAsync<T>(string method, T value)
    {
        var request = ((IJsonRpcMessageFactory)_formatter).CreateRequestMessage();
        request.Method = method;
        request.Arguments = value;
        await SendAsync(request, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (exception)
        {
            case LocalRpcException local:
                return Detail(local);
            case JsonException binding:
                // Params are bound before the method runs; the methods themselves do not throw JsonException.
                var type = request.Method is { } method ? _paramsTypes.GetValueOrDefault(method) : null;
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InvalidParams,
                    Message = "Invalid params: " + ParamsErrors.Describe(binding, type),
                };
            case OperationCanceledException:
                return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)JsonRpcErrorCodes.RequestCancelled, Message = "Request cancelled" };
        }

        LocalRpcException? mapped = null;
        try
        {
            mapped = _options.ExceptionMapper?.Invoke(exception);
        }
        catch (Exception ex)
        {
            _options.Diagnostics?.Invoke("the exception mapper failed", ex);
        }

        if (mapped is not null) return Detail(mapped);
        _options.Diagnostics?.Invoke($"'{request.Method}' failed: {exception.Message}", exception);
        return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.InternalError, Message = "Internal error" };
    }

    /// <inheritdoc/>
    protected override ValueTask SendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        // The library answers params that match no method's signature itself, with its own wording and diagnostics in data.
        if (message is JsonRpcError { Error: { Code: JsonRpcErrorCode.InvalidParams } error } && error.Message?.StartsWith("Invalid params", StringComparison.Ordinal) != true)
        {
            error.Message = "Invalid params: $: this method takes no params";
            error.Data = null;
        }

        return base.SendAsync(message, cancellationToken);
    }

    private static JsonRpcError.ErrorDetail Detail(LocalRpcException exception) => new()
    {
        Code = (JsonRpcErrorCode)exception.ErrorCode,
        Message = exception.Message,
        Data = exception.ErrorData,
    };
}
