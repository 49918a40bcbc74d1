using System.Buffers;
using System.Text.Json;
using Runtime.Hosting;
using Runtime.Metadata;

namespace Runtime.Cluster.Transport;

/// <summary>
/// The wire form of a grain call: a JSON object with the grain, the method id, the arguments (each serialized as
/// its parameter's declared type) and the request context. Cancellation tokens are not data: they travel as the
/// HTTP request's own cancellation.
/// </summary>
internal static class GrainCallCodec
{
    public static byte[] EncodeRequest(GrainId grainId, GrainMethod method, object?[] arguments, RequestContext? context)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", grainId.Type);
            writer.WriteString("key", grainId.Key);
            writer.WriteString("method", method.Id);
            writer.WriteStartArray("args");
            for (var i = 0; i < arguments.Length; i++)
            {
                if (method.Parameters[i] != typeof(CancellationToken))
                {
                    JsonSerializer.Serialize(writer, arguments[i], method.Parameters[i], RuntimeJson.DefaultOptions);
                }
            }

            writer.WriteEndArray();
            if (context is not null)
            {
                writer.WritePropertyName("context");
                JsonSerializer.Serialize(writer, context, RuntimeJson.DefaultOptions);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a request; CancellationToken parameters get <paramref name="cancellation"/>.</summary>
    public static DecodedRequest DecodeRequest(ReadOnlySpan<byte> body, Func<string, GrainMethod?> findMethod, CancellationToken cancellation)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var methodId = root.GetProperty("method").GetString()!;
        var method = findMethod(methodId) ?? throw new InvalidOperationException($"This silo hosts no grain method '{methodId}'.");
        var encoded = root.GetProperty("args").EnumerateArray().GetEnumerator();
        var arguments = new object?[method.Parameters.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (method.Parameters[i] == typeof(CancellationToken))
            {
                arguments[i] = cancellation;
            }
            else
            {
                if (!encoded.MoveNext())
                {
                    throw new InvalidOperationException($"Too few arguments for {methodId}.");
                }

                arguments[i] = encoded.Current.Deserialize(method.Parameters[i], RuntimeJson.DefaultOptions);
            }
        }

        var context = root.TryGetProperty("context", out var encodedContext)
            ? encodedContext.Deserialize<RequestContext>(RuntimeJson.DefaultOptions)
            : null;
        return new DecodedRequest(new GrainId(root.GetProperty("type").GetString()!, root.GetProperty("key").GetString()!), method, arguments, context);
    }

    public static TResult DecodeResult<TResult>(GrainMethod method, byte[] body)
        => method.ResultType is null ? default! : JsonSerializer.Deserialize<TResult>(body, RuntimeJson.DefaultOptions)!;

    public sealed record DecodedRequest(GrainId GrainId, GrainMethod Method, object?[] Arguments, RequestContext? Context);
}
