using System.IO.Pipelines;
using BackendSidecar.Cli;
using BackendSidecar.Hosting;
using BackendSidecar.JsonRpc;
using BackendSidecar.JsonRpc.Framing;
using BackendSidecar.Rpc;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace BackendSidecar.Commands;

/// <summary>
/// <c>backend-sidecar serve</c>: the JSON-RPC 2.0 server on stdin/stdout that hosts spawn. stdout carries protocol messages
/// and nothing else; diagnostics go to stderr.
/// </summary>
internal static class ServeCommand
{
    /// <summary>How long answers and notifications already queued may take to reach the host before the process exits.</summary>
    private static readonly TimeSpan FinalFlush = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(CommandLine options)
    {
        // A live sidecar for this configuration: the host talks to it through us, and sees no difference.
        if (options.ConfigPath is { } configPath && !options.New && await EndpointBridge.TryConnectAsync(configPath) is { } live)
            return await EndpointBridge.RunAsync(live, options.ParentPid);

        var input = InputReader.Create(Console.OpenStandardInput(), 64 * 1024, options.MaxMessageBytes);
        // Without --config, the host names the file in initialize: a live sidecar for it gets the host too, first message included.
        if (options.ConfigPath is null && !options.New)
        {
            var named = FirstRequest.InitializeConfigPathAsync(input, options.MaxMessageBytes);
            var parentGone = options.ParentPid is { } parent ? ParentProcess.WaitForExitAsync(parent) : Task.Delay(Timeout.Infinite);
            // Nothing started yet: a host that died before its first message leaves nothing to stop.
            if (await Task.WhenAny(named, parentGone).ConfigureAwait(false) != named) return 0;
            if (await named.ConfigureAwait(false) is { } namedPath && await EndpointBridge.TryConnectAsync(namedPath) is { } attached)
                return await EndpointBridge.RunAsync(attached, options.ParentPid, input.AsStream());
        }

        using var loggerFactory = SidecarLogging.Create(options.LogLevel);
        var logger = loggerFactory.CreateLogger("BackendSidecar.Serve");
        await using var session = new SidecarSession(options, loggerFactory);

        var output = PipeWriter.Create(Console.OpenStandardOutput());
        await using var attachment = new ServeAttachment(options, loggerFactory);
        var serving = ServeAsync(options, session, input, output, logger, () => attachment.Open(session));

        // The session can end before any input arrives (the parent died), so do not wait on the input alone.
        await Task.WhenAny(serving, session.Exited, attachment.Ended).ConfigureAwait(false);
        if (attachment.Ended.IsCompleted && !session.Exited.IsCompleted)
            await session.EndAsync("an attached client stopped the sidecar").ConfigureAwait(false);
        var code = await Task.WhenAny(serving, session.Exited).Unwrap().ConfigureAwait(false);
        if (!serving.IsCompleted)
            await serving.WaitAsync(FinalFlush).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return session.Exited.IsCompleted ? await session.Exited.ConfigureAwait(false) : code;
    }

    /// <summary>Serves one connection (stdio, or a client of the attach endpoint) until its session ends.</summary>
    internal static async Task<int> ServeAsync(CommandLine options, SidecarSession session, PipeReader input, PipeWriter output, ILogger logger,
        Action? initialized = null)
    {
        FramingKind? forced = options.Framing switch
        {
            FramingOption.Header => FramingKind.Header,
            FramingOption.Ndjson => FramingKind.Ndjson,
            _ => null,
        };
        var rpcOptions = new ContractRpcOptions
        {
            Framing = forced,
            MaxMessageBytes = (int)Math.Min(options.MaxMessageBytes, int.MaxValue),
            RequestGate = session.GateRequest,
            NotificationGate = session.GateNotification,
            ExceptionMapper = ContractErrors.Map,
            RequestCompleted = method =>
            {
                session.OnReplied(method);
                if (method == "initialize") initialized?.Invoke();
            },
            Diagnostics = (message, exception) => logger.LogWarning(exception, "{Message}", message),
        };
        var handler = new ContractMessageHandler(input, output, ContractJsonRpc.CreateFormatter(SidecarJsonContext.Default), rpcOptions);
        using var rpc = new ContractJsonRpc(handler, rpcOptions);
        rpc.AddTarget(RpcTargetMetadata.FromShape<ISidecarMethods>(), session);
        session.Attach(rpc, handler);
        rpc.StartListening();

        await Task.WhenAny(handler.InputEnded, session.Exited, rpc.Completion).ConfigureAwait(false);
        if (!session.Exited.IsCompleted)
            await session.EndAsync(rpc.IsDisposed ? "the connection broke" : "input ended").ConfigureAwait(false);

        var code = await session.Exited.ConfigureAwait(false);
        using var flush = new CancellationTokenSource(FinalFlush);
        try
        {
            // Answers still in flight go out before the connection closes.
            await handler.WhenIdleAsync(flush.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("the host did not read the last messages within {Seconds} s", FinalFlush.TotalSeconds);
        }

        return code;
    }
}
