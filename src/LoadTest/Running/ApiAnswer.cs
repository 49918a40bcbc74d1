using System.Text.Json;
using System.Text.Json.Nodes;
using LoadTest.Measuring;

namespace LoadTest.Running;

/// <summary>One request's answer as the scenarios read it: how it is counted, and its body.</summary>
public sealed record ApiAnswer(Answer Answer, string Body)
{
    public int Status => Answer.Status;

    /// <summary>The body as JSON, or null when it is not JSON (an HTML pay page, a transport error).</summary>
    public JsonNode? Json()
    {
        try
        {
            return Body.Length == 0 ? null : JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"{Answer}: {(Body.Length <= 300 ? Body : Body[..300] + "…")}";
}
