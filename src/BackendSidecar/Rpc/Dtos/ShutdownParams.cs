namespace BackendSidecar.Rpc.Dtos;

/// <summary>
/// 1.1: <c>shutdown</c>'s optional params. <c>stopBackends</c> stops every backend and ends the sidecar even while other
/// clients are attached (the explicit stop); without it a client's shutdown only detaches it when others remain.
/// </summary>
public sealed record ShutdownParams(bool StopBackends = false);
