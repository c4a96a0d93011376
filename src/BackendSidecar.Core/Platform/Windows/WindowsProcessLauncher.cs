using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using BackendSidecar.Core.Processes;
using Microsoft.Win32.SafeHandles;
using static BackendSidecar.Core.Platform.Windows.Kernel32;

namespace BackendSidecar.Core.Platform.Windows;

/// <summary>
/// Starts backends on Windows with CreateProcessW: suspended, in a new process group (so CTRL_BREAK can be sent to it
/// alone), put in its own kill-on-close Job Object before its first instruction runs, then resumed. stdout and stderr
/// are pipes, stdin is NUL; only those three handles are inherited.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The child shares the sidecar's console (a console is what carries CTRL_BREAK); a sidecar started
/// without one allocates a hidden one once, before the first launch.</para>
/// <para>.cmd and .bat files run through cmd.exe (<c>/d /s /c</c>), as CreateProcess requires.</para>
/// </remarks>
[SupportedOSPlatform("windows")]
public sealed unsafe class WindowsProcessLauncher(TimeProvider? time = null) : IProcessLauncher
{
    private const uint PipeBufferBytes = 1024 * 1024;
    private static readonly Lock s_consoleLock = new();
    private static bool s_consoleChecked;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<int, WindowsChildProcess> _running = new();

    /// <inheritdoc/>
    IChildProcess IProcessLauncher.Launch(LaunchRequest request) => Launch(request);

    /// <summary>Starts <paramref name="request"/>; see <see cref="IProcessLauncher.Launch"/>.</summary>
    /// <exception cref="LaunchException">The file or working directory is missing or unusable, or CreateProcessW failed.</exception>
    public WindowsChildProcess Launch(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        EnsureConsole();
        var (application, commandLine) = CommandLineFor(request.FileName, request.Args);
        var environment = WindowsEnvironmentBlock.Build(request.Environment);

        var job = BackendJob.Create();
        nint stdoutRead = 0, stdoutWrite = 0, stderrRead = 0, stderrWrite = 0, stdin = 0;
        var info = default(PROCESS_INFORMATION);
        try
        {
            (stdoutRead, stdoutWrite) = CreateInheritablePipe();
            (stderrRead, stderrWrite) = CreateInheritablePipe();
            stdin = OpenNul();
            info = Create(application, commandLine, environment, request.WorkingDirectory, stdin, stdoutWrite, stderrWrite, request.FileName);
            try
            {
                job.Assign(info.hProcess);
            }
            catch (Win32Exception e)
            {
                // Never let it run outside the job: it would escape both the stop ladder and containment.
                _ = TerminateProcess(info.hProcess, 1);
                throw new LaunchException($"Cannot start '{request.FileName}': it could not be put in a job object ({e.Message}).");
            }
            _ = ResumeThread(info.hThread);
        }
        catch
        {
            CloseAll(stdoutRead, stderrRead, info.hProcess);
            job.Dispose();
            throw;
        }
        finally
        {
            // The child holds its own copies of the write ends; ours must go or the readers never see end of file.
            CloseAll(stdoutWrite, stderrWrite, stdin, info.hThread);
        }

        var child = new WindowsChildProcess(
            (int)info.dwProcessId, new SafeProcessHandle(info.hProcess, ownsHandle: true), job,
            OpenReadStream(stdoutRead), OpenReadStream(stderrRead), _time);
        _running[child.Pid] = child;
        _ = child.Exited.ContinueWith(_ => _running.TryRemove(new KeyValuePair<int, WindowsChildProcess>(child.Pid, child)), TaskScheduler.Default);
        return child;
    }

    /// <summary>The job of the running backend whose leader is <paramref name="pid"/>, for its resource counters.</summary>
    internal BackendJob? FindJob(int pid) => _running.TryGetValue(pid, out var child) ? child.Job : null;

    /// <summary>The application and command line for CreateProcessW; batch files go through cmd.exe.</summary>
    internal static (string Application, string CommandLine) CommandLineFor(string fileName, IReadOnlyList<string> args)
    {
        var line = WindowsCommandLine.Build(fileName, args);
        var extension = Path.GetExtension(fileName);
        if (!extension.Equals(".cmd", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".bat", StringComparison.OrdinalIgnoreCase))
            return (fileName, line);
        var cmd = Environment.GetEnvironmentVariable("ComSpec") is { Length: > 0 } comSpec
            ? comSpec
            : Path.Combine(Environment.SystemDirectory, "cmd.exe");
        // /s: cmd strips exactly the outer quotes and keeps the line inside as it is.
        return (cmd, $"\"{cmd}\" /d /s /c \"{line}\"");
    }

    private static void Validate(LaunchRequest request)
    {
        var file = request.FileName;
        if (!Path.IsPathRooted(file))
            throw new LaunchException($"Cannot start '{file}': the path must be absolute.");
        if (Directory.Exists(file))
            throw new LaunchException($"Cannot start '{file}': it is a directory.", Processes.Interop.Posix.EACCES);
        if (!File.Exists(file))
            throw new LaunchException($"Cannot start '{file}': file not found.", Processes.Interop.Posix.ENOENT);
        if (!Directory.Exists(request.WorkingDirectory))
            throw new LaunchException(
                $"Cannot start '{file}': working directory '{request.WorkingDirectory}' does not exist.", Processes.Interop.Posix.ENOENT);
        foreach (var arg in request.Args)
        {
            if (arg.Contains('\0')) throw new LaunchException($"Cannot start '{file}': an argument contains a NUL character.");
        }
        foreach (var (name, value) in request.Environment)
        {
            if (name.Length == 0 || name.AsSpan(1).Contains('=') || name.Contains('\0') || value.Contains('\0'))
                throw new LaunchException($"Cannot start '{file}': environment variable '{name.Replace("\0", "\\0")}' has an invalid name or value.");
        }
    }

    /// <summary>
    /// CTRL_BREAK reaches only processes on the sender's console. A sidecar started by a GUI (an editor, Electron) with
    /// pipes may have none: it then gets one of its own, hidden, which its backends inherit.
    /// </summary>
    private static void EnsureConsole()
    {
        lock (s_consoleLock)
        {
            if (s_consoleChecked) return;
            s_consoleChecked = true;
            // GetConsoleCP answers 0 only without a console (a console without a window, as CREATE_NO_WINDOW gives, is fine).
            if (GetConsoleCP() != 0) return;
            // AllocConsole points the standard handles at the new console; the protocol's stdin/stdout and the log's
            // stderr are the host's pipes and must stay so.
            ReadOnlySpan<int> standard = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];
            Span<nint> saved = stackalloc nint[3];
            for (var i = 0; i < 3; i++) saved[i] = GetStdHandle(standard[i]);
            if (!AllocConsole()) return;
            for (var i = 0; i < 3; i++)
            {
                if (saved[i] is not 0 and not -1) _ = SetStdHandle(standard[i], saved[i]);
            }
            if (GetConsoleWindow() is var window and not 0) _ = User32.ShowWindow(window, User32.SW_HIDE);
        }
    }

    private static PROCESS_INFORMATION Create(
        string application, string commandLine, string environment, string workingDirectory, nint stdin, nint stdout, nint stderr, string fileName)
    {
        // Only these three handles are inherited, whatever else the sidecar holds open as inheritable at this moment.
        var handles = stackalloc nint[] { stdin, stdout, stderr };
        nint listSize = 0;
        _ = InitializeProcThreadAttributeList(0, 1, 0, ref listSize);
        var attributes = (nint)NativeMemory.Alloc((nuint)listSize);
        var initialized = false;
        try
        {
            if (!InitializeProcThreadAttributeList(attributes, 1, 0, ref listSize)) throw new Win32Exception();
            initialized = true;
            if (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles, 3 * sizeof(nint), 0, 0))
                throw new Win32Exception();

            var startup = default(STARTUPINFOEXW);
            startup.StartupInfo.cb = (uint)sizeof(STARTUPINFOEXW);
            startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
            startup.StartupInfo.hStdInput = stdin;
            startup.StartupInfo.hStdOutput = stdout;
            startup.StartupInfo.hStdError = stderr;
            startup.lpAttributeList = attributes;

            // CreateProcessW may write into the command line, so it gets a private, NUL-terminated copy.
            var line = new char[commandLine.Length + 1];
            commandLine.CopyTo(line);
            var info = default(PROCESS_INFORMATION);
            fixed (char* linePtr = line)
            fixed (char* envPtr = environment)
            {
                const uint flags = CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT | EXTENDED_STARTUPINFO_PRESENT;
                if (!CreateProcessW(application, linePtr, 0, 0, true, flags, envPtr, workingDirectory, &startup, &info))
                    throw LaunchFailure(fileName, Marshal.GetLastPInvokeError());
            }
            return info;
        }
        finally
        {
            if (initialized) DeleteProcThreadAttributeList(attributes);
            NativeMemory.Free((void*)attributes);
        }
    }

    private static LaunchException LaunchFailure(string fileName, int error)
    {
        var reason = new Win32Exception(error).Message;
        var errno = error switch
        {
            ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND or ERROR_DIRECTORY => Processes.Interop.Posix.ENOENT,
            ERROR_ACCESS_DENIED or ERROR_BAD_EXE_FORMAT => Processes.Interop.Posix.EACCES,
            _ => 0,
        };
        return new LaunchException($"Cannot start '{fileName}': {reason} (Windows error {error}).", errno);
    }

    /// <summary>A pipe whose write end the child inherits; the read end stays the sidecar's alone.</summary>
    private static (nint Read, nint Write) CreateInheritablePipe()
    {
        var security = new SECURITY_ATTRIBUTES { nLength = (uint)sizeof(SECURITY_ATTRIBUTES), bInheritHandle = 1 };
        if (!CreatePipe(out var read, out var write, &security, PipeBufferBytes)) throw new Win32Exception();
        if (!SetHandleInformation(read, HANDLE_FLAG_INHERIT, 0))
        {
            var error = new Win32Exception();
            CloseAll(read, write);
            throw error;
        }
        return (read, write);
    }

    /// <summary>stdin: a backend that reads it sees end of file at once, as on Linux (/dev/null).</summary>
    private static nint OpenNul()
    {
        var security = new SECURITY_ATTRIBUTES { nLength = (uint)sizeof(SECURITY_ATTRIBUTES), bInheritHandle = 1 };
        var handle = CreateFileW("NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &security, OPEN_EXISTING, 0, 0);
        if (handle == -1) throw new Win32Exception();
        return handle;
    }

    private static FileStream OpenReadStream(nint handle) =>
        new(new SafeFileHandle(handle, ownsHandle: true), FileAccess.Read, bufferSize: 0, isAsync: false);

    private static void CloseAll(params ReadOnlySpan<nint> handles)
    {
        foreach (var handle in handles)
        {
            if (handle != 0 && handle != -1) _ = CloseHandle(handle);
        }
    }
}
