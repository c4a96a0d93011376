using System.ComponentModel;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static BackendSidecar.Core.Platform.Windows.JobObjects;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// One backend's Job Object, with kill-on-close: the leader is put in before it runs, so every descendant is in it too
/// (a child can only leave a job the parent allows it to leave). The handle is also the containment: when the sidecar
/// dies, Windows closes it and ends everything in the job.
/// </summary>
/// <remarks>Thread-safe. Disposing closes the handle, which kills whatever is still in the job.</remarks>
[SupportedOSPlatform("windows")]
internal sealed unsafe class BackendJob : IDisposable
{
    private readonly SafeFileHandle _handle;

    private BackendJob(SafeFileHandle handle) => _handle = handle;

    /// <exception cref="Win32Exception">The job could not be created or configured.</exception>
    public static BackendJob Create()
    {
        var handle = CreateJobObjectW(0, null);
        if (handle.IsInvalid) throw new Win32Exception();
        var limits = new JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        if (!SetInformationJobObject(handle, JobObjectExtendedLimitInformation, &limits, (uint)sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION)))
        {
            var error = new Win32Exception();
            handle.Dispose();
            throw error;
        }
        return new BackendJob(handle);
    }

    /// <exception cref="Win32Exception">The process could not be assigned.</exception>
    public void Assign(nint process)
    {
        if (!AssignProcessToJobObject(_handle, process)) throw new Win32Exception();
    }

    /// <summary>The processes still running in the job; 0 once the handle is closed or the query fails.</summary>
    public int ActiveProcesses => Accounting() is { } info ? (int)info.ActiveProcesses : 0;

    /// <summary>User plus kernel time of every process that ever ran in the job.</summary>
    public TimeSpan? CpuTime => Accounting() is { } info ? TimeSpan.FromTicks(info.TotalUserTime + info.TotalKernelTime) : null;

    /// <summary>The ids of the processes in the job now (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<int> ProcessIds(int max = 256)
    {
        // JOBOBJECT_BASIC_PROCESS_ID_LIST: two DWORD counts, then ULONG_PTR ids.
        var size = 8 + max * IntPtr.Size;
        var buffer = stackalloc byte[size];
        try
        {
            if (_handle.IsClosed || !QueryInformationJobObject(_handle, JobObjectBasicProcessIdList, buffer, (uint)size, out _)) return [];
        }
        catch (ObjectDisposedException)
        {
            return [];
        }
        var count = Math.Min(((uint*)buffer)[1], (uint)max);
        var ids = new int[count];
        var list = (nuint*)(buffer + 8);
        for (var i = 0; i < count; i++) ids[i] = (int)list[i];
        return ids;
    }

    /// <summary>Ends every process in the job with <paramref name="exitCode"/>; false when the job is already closed.</summary>
    public bool Terminate(uint exitCode)
    {
        try { return !_handle.IsClosed && TerminateJobObject(_handle, exitCode); }
        catch (ObjectDisposedException) { return false; } // closed between the check and the call
    }

    public void Dispose() => _handle.Dispose();

    private JOBOBJECT_BASIC_ACCOUNTING_INFORMATION? Accounting()
    {
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info;
        try
        {
            if (_handle.IsClosed
                || !QueryInformationJobObject(_handle, JobObjectBasicAccountingInformation, &info, (uint)sizeof(JOBOBJECT_BASIC_ACCOUNTING_INFORMATION), out _))
                return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        return info;
    }
}
