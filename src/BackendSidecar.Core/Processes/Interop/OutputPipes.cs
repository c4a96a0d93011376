namespace BackendSidecar.Core.Processes.Interop;

/// <summary>The stdout and stderr pipes around one spawn, as both Unix launchers set them up.</summary>
internal static class OutputPipes
{
    /// <summary>
    /// Creates two pipes with <paramref name="createPipe"/>, runs <paramref name="spawn"/> with their write ends (stdout,
    /// stderr) and closes those ends. When the pipes or the spawn fail, the read ends are closed too and the exception
    /// goes on.
    /// </summary>
    /// <returns>The spawned PID and the read ends of its stdout and stderr.</returns>
    public static (int Pid, int StdoutRead, int StderrRead) Spawn(Func<(int Read, int Write)> createPipe, Func<int, int, int> spawn)
    {
        var (stdoutRead, stdoutWrite) = createPipe();
        var (stderrRead, stderrWrite) = (-1, -1);
        var pid = 0;
        try
        {
            (stderrRead, stderrWrite) = createPipe();
            pid = spawn(stdoutWrite, stderrWrite);
        }
        finally
        {
            // The child holds its own copies of the write ends; ours must go or the readers never see end of file.
            _ = Posix.close(stdoutWrite);
            if (stderrWrite >= 0) _ = Posix.close(stderrWrite);
            if (pid == 0)
            {
                _ = Posix.close(stdoutRead);
                if (stderrRead >= 0) _ = Posix.close(stderrRead);
            }
        }
        return (pid, stdoutRead, stderrRead);
    }
}
