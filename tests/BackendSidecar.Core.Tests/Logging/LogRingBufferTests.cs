using BackendSidecar.Core.Logging;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Logging;

public class LogRingBufferTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static LogRingBuffer Filled(int capacity, int count, Func<int, LogStream>? stream = null)
    {
        var buffer = new LogRingBuffer(capacity);
        for (var i = 1; i <= count; i++)
        {
            buffer.Append(stream?.Invoke(i) ?? LogStream.Stdout, $"line {i}", T0);
        }

        return buffer;
    }

    private static long[] Seqs(LogSnapshot snapshot) => snapshot.Entries.Select(e => e.Seq).ToArray();

    [Fact]
    public void Append_EmptyBuffer_NumbersFromOne()
    {
        var buffer = new LogRingBuffer(3);
        Assert.Equal(1, buffer.NextSeq);

        var first = buffer.Append(LogStream.Stderr, "a", T0);
        var second = buffer.Append(LogStream.Stdout, "b", T0);

        Assert.Equal(new LogEntry(1, T0, LogStream.Stderr, "a"), first);
        Assert.Equal(2, second.Seq);
        Assert.Equal(3, buffer.NextSeq);
    }

    [Fact]
    public void Read_EmptyBuffer_NothingAndNextSeqOne()
    {
        var snapshot = new LogRingBuffer(3).Read(10);

        Assert.Empty(snapshot.Entries);
        Assert.Equal(1, snapshot.NextSeq);
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_TailCoversAll_EverythingOldestFirstNotTruncated()
    {
        var snapshot = Filled(5, 3).Read(10);

        Assert.Equal([1, 2, 3], Seqs(snapshot));
        Assert.Equal(["line 1", "line 2", "line 3"], snapshot.Entries.Select(e => e.Text));
        Assert.Equal(4, snapshot.NextSeq);
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_TailSmallerThanCount_LastEntriesAndTruncated()
    {
        var snapshot = Filled(10, 5).Read(2);

        Assert.Equal([4, 5], Seqs(snapshot));
        Assert.Equal(6, snapshot.NextSeq);
        Assert.True(snapshot.Truncated);
    }

    [Fact]
    public void Append_PastCapacity_OldestOverwrittenAndReadTruncated()
    {
        var buffer = Filled(3, 7);

        var snapshot = buffer.Read(10);

        Assert.Equal([5, 6, 7], Seqs(snapshot));
        Assert.Equal(["line 5", "line 6", "line 7"], snapshot.Entries.Select(e => e.Text));
        Assert.Equal(8, snapshot.NextSeq);
        Assert.True(snapshot.Truncated);
    }

    [Fact]
    public void Read_TailZero_NothingButNextSeqToFollowFrom()
    {
        var snapshot = Filled(5, 3).Read(0);

        Assert.Empty(snapshot.Entries);
        Assert.Equal(4, snapshot.NextSeq);
        Assert.True(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeq_NewerEntriesOldestFirst()
    {
        var snapshot = Filled(10, 5).Read(100, afterSeq: 2);

        Assert.Equal([3, 4, 5], Seqs(snapshot));
        Assert.Equal(6, snapshot.NextSeq);
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeqAtEnd_NothingAndSameNextSeq()
    {
        var buffer = Filled(10, 5);

        var snapshot = buffer.Read(100, afterSeq: 5);

        Assert.Empty(snapshot.Entries);
        Assert.Equal(6, snapshot.NextSeq);
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeqAheadOfBuffer_KeepsTheClientsPlace()
    {
        var snapshot = Filled(10, 5).Read(100, afterSeq: 41);

        Assert.Empty(snapshot.Entries);
        Assert.Equal(42, snapshot.NextSeq);
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeqOverwritten_OldestKeptAndTruncated()
    {
        var snapshot = Filled(3, 10).Read(100, afterSeq: 2);

        Assert.Equal([8, 9, 10], Seqs(snapshot));
        Assert.Equal(11, snapshot.NextSeq);
        Assert.True(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeqJustBeforeOldest_NotTruncated()
    {
        var snapshot = Filled(3, 10).Read(100, afterSeq: 7);

        Assert.Equal([8, 9, 10], Seqs(snapshot));
        Assert.False(snapshot.Truncated);
    }

    [Fact]
    public void Read_AfterSeqMoreThanTail_TruncatedAndPagingReachesEveryEntry()
    {
        var buffer = Filled(100, 10);

        var first = buffer.Read(4, afterSeq: 0);
        Assert.Equal([1, 2, 3, 4], Seqs(first));
        Assert.Equal(5, first.NextSeq);
        Assert.True(first.Truncated);

        var seen = new List<long>(Seqs(first));
        var next = first.NextSeq;
        for (var page = 0; page < 10; page++)
        {
            var snapshot = buffer.Read(4, afterSeq: next - 1);
            seen.AddRange(Seqs(snapshot));
            next = snapshot.NextSeq;
            if (!snapshot.Truncated)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen);
        Assert.Equal(11, next);
    }

    [Fact]
    public void Read_StreamFilter_OnlyThatStream()
    {
        var buffer = Filled(20, 10, i => i % 2 == 0 ? LogStream.Stderr : LogStream.Stdout);

        var stderr = buffer.Read(100, stream: LogStream.Stderr);
        var stdoutAfter = buffer.Read(100, afterSeq: 4, stream: LogStream.Stdout);

        Assert.Equal([2, 4, 6, 8, 10], Seqs(stderr));
        Assert.False(stderr.Truncated);
        Assert.Equal(11, stderr.NextSeq);
        Assert.Equal([5, 7, 9], Seqs(stdoutAfter));
        Assert.Equal(11, stdoutAfter.NextSeq);
    }

    [Fact]
    public void Read_StreamFilterTail_TruncatedOnlyWhenOlderOfThatStreamExist()
    {
        // Stdout at 1, the rest stderr.
        var buffer = Filled(20, 6, i => i == 1 ? LogStream.Stdout : LogStream.Stderr);

        Assert.False(buffer.Read(1, stream: LogStream.Stdout).Truncated);
        Assert.True(buffer.Read(1, stream: LogStream.Stderr).Truncated);
        Assert.Equal([6], Seqs(buffer.Read(1, stream: LogStream.Stderr)));
    }

    [Fact]
    public void Read_StreamFilterAfterSeqMoreThanTail_NextSeqAfterLastReturned()
    {
        var buffer = Filled(20, 10, i => i % 2 == 0 ? LogStream.Stderr : LogStream.Stdout);

        var snapshot = buffer.Read(2, afterSeq: 0, stream: LogStream.Stderr);

        Assert.Equal([2, 4], Seqs(snapshot));
        Assert.True(snapshot.Truncated);
        Assert.Equal(5, snapshot.NextSeq);
    }

    [Fact]
    public void LastLines_Count_TextsOldestFirst()
    {
        var buffer = Filled(10, 6, i => i == 6 ? LogStream.Stderr : LogStream.Stdout);

        Assert.Equal(["line 5", "line 6"], buffer.LastLines(2));
        Assert.Equal(["line 4", "line 5"], buffer.LastLines(2, LogStream.Stdout));
    }

    [Fact]
    public void Append_ConcurrentWriters_EverySeqOnceAndContiguous()
    {
        const int threads = 4, perThread = 5000;
        var buffer = new LogRingBuffer(threads * perThread);
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        using var subscription = buffer.Subscribe(e => seen.Add(e.Seq));

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < perThread; i++)
            {
                buffer.Append(LogStream.Stdout, $"{t}:{i}", T0);
            }
        });

        var all = buffer.Read(threads * perThread);
        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), Seqs(all));
        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), seen.Order());
        Assert.Equal(threads * perThread + 1, buffer.NextSeq);
    }

    [Fact]
    public void Subscribe_ObserverUsesBufferFromAnotherThread_NoDeadlockBecauseCalledOutsideTheLock()
    {
        var buffer = new LogRingBuffer(10);
        var completedInTime = false;
        using var subscription = buffer.Subscribe(entry =>
        {
            if (entry.Text != "trigger")
            {
                return;
            }

            // Monitor is re-entrant, so only another thread proves the lock is not held here.
            var other = Task.Factory.StartNew(
                () =>
                {
                    buffer.Read(10);
                    buffer.Append(LogStream.Sidecar, "from the observer's helper", T0);
                },
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            completedInTime = other.Wait(TestTimeouts.Unexpected);
        });

        buffer.Append(LogStream.Stdout, "trigger", T0);

        Assert.True(completedInTime);
        Assert.Equal(3, buffer.NextSeq);
    }

    [Fact]
    public void Subscribe_Disposed_ObserverNoLongerCalled()
    {
        var buffer = new LogRingBuffer(10);
        var calls = new List<string>();
        var subscription = buffer.Subscribe(e => calls.Add(e.Text));

        buffer.Append(LogStream.Stdout, "one", T0);
        subscription.Dispose();
        subscription.Dispose();
        buffer.Append(LogStream.Stdout, "two", T0);

        Assert.Equal(["one"], calls);
    }

    [Fact]
    public void Append_ObserverThrows_EntryStillRecordedAndOthersCalled()
    {
        var buffer = new LogRingBuffer(10);
        var calls = 0;
        using var bad = buffer.Subscribe(_ => throw new InvalidOperationException("observer bug"));
        using var good = buffer.Subscribe(_ => calls++);

        var entry = buffer.Append(LogStream.Stdout, "x", T0);

        Assert.Equal(1, entry.Seq);
        Assert.Equal(1, calls);
        Assert.Single(buffer.Read(10).Entries);
    }
}

public class LogRingBufferTextBudgetTests
{
    [Fact]
    public void Append_LongEntriesPastTheTextBudget_OldestDroppedBeforeCapacityIsReached()
    {
        var buffer = new LogRingBuffer(5000);
        var text = new string('x', 100_000);

        for (var i = 0; i < 200; i++) buffer.Append(LogStream.Stdout, text, DateTimeOffset.UnixEpoch);

        var all = buffer.Read(5000);
        Assert.True(all.Entries.Sum(e => (long)e.Text.Length) <= LogRingBuffer.MaxTextChars);
        Assert.Equal(LogRingBuffer.MaxTextChars / 100_000, all.Entries.Count);
        Assert.Equal(200, all.Entries[^1].Seq);
        Assert.True(all.Truncated);
        Assert.True(buffer.Read(10, afterSeq: 0).Truncated, "a reader from the start learns that entries were lost");
    }

    [Fact]
    public void Append_OneEntryLargerThanTheBudget_IsStillKept()
    {
        var buffer = new LogRingBuffer(10);

        buffer.Append(LogStream.Stdout, new string('x', (int)LogRingBuffer.MaxTextChars + 1), DateTimeOffset.UnixEpoch);

        Assert.Single(buffer.Read(10).Entries);
    }
}
