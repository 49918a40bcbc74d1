using System.Text.Json;
using Runtime.Hosting;

namespace Runtime.Cluster.Transport;

/// <summary>
/// Carries a grain's exception across silos: its type and message. The caller gets an exception of the same type
/// when that type can be built from a message (the common case); otherwise a <see cref="RemoteGrainException"/> naming it.
/// </summary>
internal static class RemoteException
{
    public static byte[] Encode(Exception exception)
        => JsonSerializer.SerializeToUtf8Bytes(new Payload(exception.GetType().AssemblyQualifiedName ?? exception.GetType().FullName!, exception.Message), RuntimeJson.DefaultOptions);

    public static Exception Decode(byte[] body)
    {
        var payload = JsonSerializer.Deserialize<Payload>(body, RuntimeJson.DefaultOptions)!;
        var type = Type.GetType(payload.Type, throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type))
        {
            if (type.GetConstructor([typeof(string)]) is { } withMessage)
            {
                return (Exception)withMessage.Invoke([payload.Message]);
            }

            if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
            {
                return (Exception)withInner.Invoke([payload.Message, null]);
            }
        }

        return new RemoteGrainException(payload.Type, payload.Message);
    }

    private sealed record Payload(string Type, string Message);
}
