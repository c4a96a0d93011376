using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackendSidecar.Core.Health;

/// <summary>
/// GETs a URL and is ok when the status is the expected one and, when <c>expectJson</c> is set, the body is JSON that
/// contains it as a subset (so a stranger that merely answers 200 on the port is not taken for the backend).
/// </summary>
/// <remarks>
/// Cheap enough to poll every few milliseconds: one pooled keep-alive connection, no proxy, no cookies, no redirects,
/// the body read only when it is compared (and at most 1 MiB of it). Each check has its own timeout.
/// Never throws for a failed check; throws <see cref="OperationCanceledException"/> only when the caller's token is
/// cancelled. Thread-safe (checks may overlap).
/// </remarks>
public sealed class HttpHealthProbe : IHealthProbe
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _client;
    private readonly int _expectStatus;
    private readonly JsonElement? _expectJson;
    private readonly TimeSpan _timeout;

    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="expectStatus">The status code that counts as healthy.</param>
    /// <param name="expectJson"><c>null</c>: the body is not looked at.</param>
    /// <param name="timeout">The longest one check may take, connect and body included.</param>
    public HttpHealthProbe(Uri url, int expectStatus, JsonNode? expectJson, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The health URL must be an absolute http or https URL: {url}", nameof(url));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Url = url;
        _expectStatus = expectStatus;
        _timeout = timeout;
        if (expectJson is not null)
        {
            using var document = JsonDocument.Parse(expectJson.ToJsonString());
            _expectJson = document.RootElement.Clone();
        }

        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = timeout < MaxConnectTimeout ? timeout : MaxConnectTimeout,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The URL checked.</summary>
    public Uri Url { get; }

    /// <inheritdoc/>
    public async ValueTask<HealthResult> CheckAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status != _expectStatus)
            {
                return Result(false, $"HTTP {status}, expected {_expectStatus}", started);
            }

            if (_expectJson is { } expected && await MatchBodyAsync(response, expected, timeout.Token).ConfigureAwait(false) is { } mismatch)
            {
                return Result(false, mismatch, started);
            }

            return Result(true, $"HTTP {status} in {ProbeErrors.Milliseconds(Stopwatch.GetElapsedTime(started))} ms", started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Result(false, ProbeErrors.TimedOut(_timeout), started);
        }
        catch (HttpRequestException e)
        {
            return Result(false, ProbeErrors.Describe(e), started);
        }
        catch (IOException e)
        {
            return Result(false, $"connection failed: {e.Message}", started);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private static HealthResult Result(bool ok, string detail, long started) =>
        new(ok, detail, Stopwatch.GetElapsedTime(started));

    /// <returns><c>null</c> when the body matches; otherwise why not.</returns>
    private static async Task<string?> MatchBodyAsync(HttpResponseMessage response, JsonElement expected, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes)
        {
            return "body did not match expectJson: it is larger than 1 MiB";
        }

        var body = new ArrayBufferWriter<byte>(4096);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var read = await stream.ReadAsync(body.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                body.Advance(read);
                if (body.WrittenCount > MaxBodyBytes)
                {
                    return "body did not match expectJson: it is larger than 1 MiB";
                }
            }
        }

        try
        {
            using var document = JsonDocument.Parse(body.WrittenMemory);
            return JsonSubset.FindMismatch(expected, document.RootElement) is { } mismatch
                ? "body did not match expectJson: " + mismatch
                : null;
        }
        catch (JsonException)
        {
            return "body did not match expectJson: it is not JSON";
        }
    }
}
