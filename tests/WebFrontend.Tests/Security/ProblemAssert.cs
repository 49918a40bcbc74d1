using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>Every refusal is RFC 9457 problem details with a stable type, its status and the request id.</summary>
public static class ProblemAssert
{
    public const string Prefix = "https://errors.example/";

    public static void Is(Reply reply, HttpStatusCode status, string type, string? field = null)
    {
        Assert.True(reply.Status == status, $"expected {(int)status} {type}, got {reply}");
        Assert.Equal("application/problem+json", reply.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Prefix + type, reply.ProblemType);
        Assert.Equal((int)status, reply.Json!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(reply.Json["request_id"]?.GetValue<string>()), reply.ToString());
        if (field is not null)
        {
            var errors = reply.Json["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"expected errors.{field}, got {reply}");
        }
    }
}
