using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WebFrontend.Http;

/// <summary>
/// Opaque list cursors: the keyset position of the last item, with the list's kind, as base64url JSON. A cursor that
/// does not decode, or belongs to another list or sort, is a 400.
/// </summary>
public static class ListCursor
{
    public static string Encode<T>(T position, JsonTypeInfo<T> typeInfo) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position, typeInfo));

    public static bool TryDecode<T>(string? cursor, JsonTypeInfo<T> typeInfo, out T? position) where T : class
    {
        position = null;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 1024)
        {
            return false;
        }

        try
        {
            position = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(cursor), typeInfo);
            return position is not null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }
    }
}
