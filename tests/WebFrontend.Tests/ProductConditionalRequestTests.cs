using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// If-Match and If-None-Match on a product, through the real front ends (RFC 9110 §13): any well-formed field — an
/// unknown or weak tag, a list, "*", one list over several lines — is evaluated (200, 304, 412); only a malformed one is
/// 400, and it changes nothing. Every product here is fresh, so its ETag is "1"; field lines are separated by "\n".
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ProductConditionalRequestTests(ApiCluster api)
{
    private const string PreconditionFailed = "https://errors.example/precondition-failed";
    private const string PreconditionRequired = "https://errors.example/precondition-required";
    private const string ValidationFailed = "https://errors.example/validation-failed";
    private const string Rename = """{"name":"Renamed","price":2000}""";

    /// <summary>If-Match by the strong comparison: only the current tag, strong, matches; "*" matches the product.</summary>
    public static TheoryData<string, int> IfMatchOnPut => new()
    {
        { "\"1\"", 200 },
        { "\"999\"", 412 },
        { "\"abc\"", 412 },
        { "\"01\"", 412 },
        { "\"\"", 412 },
        { "W/\"1\"", 412 },
        { "\"7\", \"1\"", 200 },
        { "\"abc\", \"1\"", 200 },
        { "\"7\", W/\"1\"", 412 },
        { "\"7\", \"8\"", 412 },
        { "*", 200 },
        { "\"7\"\n\"1\"", 200 },
        { "\"7\"\nW/\"1\"", 412 },
    };

    /// <summary>If-None-Match on a GET by the weak comparison: a match, weak or strong, or "*", is 304.</summary>
    public static TheoryData<string, int> IfNoneMatchOnGet => new()
    {
        { "\"1\"", 304 },
        { "W/\"1\"", 304 },
        { "\"2\"", 200 },
        { "\"abc\"", 200 },
        { "\"x\", W/\"1\"", 304 },
        { "\"5\", \"6\"", 200 },
        { "*", 304 },
        { "\"5\"\nW/\"1\"", 304 },
        { "\"5\"\n\"6\"", 200 },
    };

    /// <summary>Both fields on a GET (null: not sent): If-Match is evaluated first, and its failure is 412 even where If-None-Match alone would be 304.</summary>
    public static TheoryData<string, string, int> BothOnGet => new()
    {
        { "\"9\"", "\"1\"", 412 },
        { "W/\"1\"", "\"1\"", 412 },
        { "\"1\"", "\"1\"", 304 },
        { "\"1\"", "W/\"1\"", 304 },
        { "*", "\"9\"", 200 },
    };

    /// <summary>If-None-Match on a PUT, an unsafe method: a match is 412; without If-Match the PUT is still 428.</summary>
    public static TheoryData<string?, string, int> IfNoneMatchOnPut => new()
    {
        { "\"1\"", "*", 412 },
        { "\"1\"", "\"1\"", 412 },
        { "\"1\"", "W/\"1\"", 412 },
        { "\"1\"", "\"9\", \"8\"", 200 },
        { "*", "\"9\"", 200 },
        { "\"9\"", "\"9\"", 412 },
        { null, "\"9\"", 428 },
        { null, "*", 428 },
    };

    /// <summary>Malformed fields as HttpClient sends them: method, the field, its value. A PUT's other condition is the current ETag.</summary>
    public static TheoryData<string, string, string> Malformed => new()
    {
        { "PUT", "If-Match", "\"1" },
        { "PUT", "If-Match", "1" },
        { "PUT", "If-Match", "abc" },
        { "PUT", "If-Match", "\"1\"\"1\"" },
        { "PUT", "If-Match", "\"a\u0001b\"" },
        { "PUT", "If-Match", "\"a b\"" },
        { "PUT", "If-Match", "*, \"1\"" },
        { "PUT", "If-Match", "*\n\"1\"" },
        { "PUT", "If-None-Match", "\"9" },
        { "GET", "If-None-Match", "\"1" },
        { "GET", "If-None-Match", "1" },
        { "GET", "If-None-Match", "\"a\u0001b\"" },
        { "GET", "If-Match", "abc" },
    };

    /// <summary>
    /// Malformed fields that HttpClient would not send as written: it reads "w/" as "W/" before the test server sees the
    /// request. Curl, browsers' fetch or a proxy send them as they are.
    /// </summary>
    public static TheoryData<string, string, string> MalformedVerbatim => new()
    {
        { "PUT", "If-Match", "w/\"1\"" },
        { "PUT", "If-None-Match", "w/\"9\"" },
        { "GET", "If-None-Match", "w/\"1\"" },
    };

    /// <summary>
    /// Fields with empty list elements, which HttpClient drops but other clients send: RFC 9110 §5.6.1.2 has the
    /// recipient skip them, so each is evaluated as the list of its tags (the product is at version 1).
    /// </summary>
    public static TheoryData<string, string, string, int> EmptyElementsVerbatim => new()
    {
        { "PUT", "If-Match", "\"1\",", StatusCodes.Status200OK },
        { "PUT", "If-Match", ",\"1\"", StatusCodes.Status200OK },
        { "PUT", "If-Match", "\"2\",,\"1\"", StatusCodes.Status200OK },
        { "PUT", "If-Match", "\"1\"\n", StatusCodes.Status200OK },
        { "PUT", "If-Match", ",", StatusCodes.Status412PreconditionFailed },
        { "GET", "If-None-Match", "\"1\",", StatusCodes.Status304NotModified },
        { "GET", "If-None-Match", "\n\"1\"", StatusCodes.Status304NotModified },
        { "GET", "If-None-Match", "\"9\", ,\"8\"", StatusCodes.Status200OK },
    };

    [Theory]
    [MemberData(nameof(IfMatchOnPut))]
    public async Task If_match_on_a_put_is_evaluated_by_the_strong_comparison(string ifMatch, int status)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var client = api.B.ClientFor(Seed.Manager);

        var reply = await SendAsync(client, HttpMethod.Put, product, Rename, ("If-Match", ifMatch));

        await AssertPutAsync(product, reply, status);
    }

    [Theory]
    [MemberData(nameof(IfNoneMatchOnGet))]
    public async Task If_none_match_on_a_get_is_evaluated_by_the_weak_comparison(string ifNoneMatch, int status)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var client = api.B.ClientFor(null);

        var reply = await SendAsync(client, HttpMethod.Get, product, null, ("If-None-Match", ifNoneMatch));

        AssertGet(reply, status);
    }

    [Theory]
    [MemberData(nameof(BothOnGet))]
    public async Task On_a_get_if_match_is_evaluated_before_if_none_match(string ifMatch, string ifNoneMatch, int status)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var client = api.B.ClientFor(null);

        var reply = await SendAsync(client, HttpMethod.Get, product, null, ("If-Match", ifMatch), ("If-None-Match", ifNoneMatch));

        AssertGet(reply, status);
    }

    [Theory]
    [MemberData(nameof(IfNoneMatchOnPut))]
    public async Task If_none_match_on_a_put_that_matches_is_412(string? ifMatch, string ifNoneMatch, int status)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var client = api.B.ClientFor(Seed.Manager);

        var reply = ifMatch is null
            ? await SendAsync(client, HttpMethod.Put, product, Rename, ("If-None-Match", ifNoneMatch))
            : await SendAsync(client, HttpMethod.Put, product, Rename, ("If-Match", ifMatch), ("If-None-Match", ifNoneMatch));

        await AssertPutAsync(product, reply, status);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_condition_is_400_and_writes_nothing(string method, string field, string value)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var client = api.B.ClientFor(Seed.Manager);

        var reply = await SendAsync(client, new HttpMethod(method), product, method == "PUT" ? Rename : null, [.. Conditions(method, field, value)]);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, reply.ToString());
        await AssertMalformedAsync(product, field, reply.ProblemType, reply.Json!, reply.Header("ETag"));
    }

    [Theory]
    [MemberData(nameof(MalformedVerbatim))]
    public async Task A_malformed_condition_sent_verbatim_is_400_and_writes_nothing(string method, string field, string value)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);

        // Straight into the front end's pipeline, past HttpClient's header parsing: the field lines arrive as written.
        var context = await api.B.Server.SendAsync(request =>
        {
            request.Request.Method = method;
            request.Request.Path = $"/api/v1/products/{product}";
            request.Request.Headers.Authorization = $"Bearer {Seed.Manager}";
            foreach (var (name, lines) in Conditions(method, field, value))
            {
                request.Request.Headers.Append(name, lines.Split('\n'));
            }

            if (method == "PUT")
            {
                request.Request.ContentType = "application/json";
                request.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(Rename));
            }
        });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        var problem = JsonNode.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync())!;
        Assert.Equal("application/problem+json", context.Response.ContentType);
        await AssertMalformedAsync(product, field, problem["type"]?.GetValue<string>(), problem,
            context.Response.Headers.ETag.Count == 0 ? null : context.Response.Headers.ETag.ToString());
    }

    [Theory]
    [MemberData(nameof(EmptyElementsVerbatim))]
    public async Task Empty_list_elements_sent_verbatim_are_skipped(string method, string field, string value, int status)
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);

        var context = await api.B.Server.SendAsync(request =>
        {
            request.Request.Method = method;
            request.Request.Path = $"/api/v1/products/{product}";
            request.Request.Headers.Authorization = $"Bearer {Seed.Manager}";
            request.Request.Headers.Append(field, value.Split('\n'));
            if (method == "PUT")
            {
                request.Request.ContentType = "application/json";
                request.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(Rename));
            }
        });

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(status == StatusCodes.Status200OK && method == "PUT" ? 2 : 1,
            await api.ScalarAsync("SELECT version FROM products WHERE id = $1", product));
    }

    /// <summary>The field under test; on a PUT, with the current ETag as If-Match unless that is the field, so that the malformed field alone is what stops it.</summary>
    private static IEnumerable<(string Name, string Value)> Conditions(string method, string field, string value)
    {
        if (method == "PUT" && field != "If-Match")
        {
            yield return ("If-Match", "\"1\"");
        }

        yield return (field, value);
    }

    /// <summary>400 validation-failed naming the field alone, no ETag, and the product as it was: version 1, its price.</summary>
    private async Task AssertMalformedAsync(string product, string field, string? problemType, JsonNode problem, string? etag)
    {
        Assert.Equal(ValidationFailed, problemType);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(error => error.Key));
        Assert.Null(etag);
        Assert.Equal(1, await api.ScalarAsync("SELECT version FROM products WHERE id = $1", product));
        Assert.Equal(1000, await api.ScalarAsync("SELECT price FROM products WHERE id = $1", product));
    }

    private static async Task<Reply> SendAsync(HttpClient client, HttpMethod method, string product, string? body, params (string Name, string Value)[] fields)
    {
        using var request = Api.Request(method, $"/api/v1/products/{product}", body);
        foreach (var (name, value) in fields)
        {
            // Each "\n"-separated part is a field line of its own.
            Assert.True(request.Headers.TryAddWithoutValidation(name, value.Split('\n')), name);
        }

        return await Reply.ReadAsync(await client.SendAsync(request));
    }

    /// <summary>200: the write landed, as version 2. 412 or 428: nothing was written, the product is still at version 1.</summary>
    private async Task AssertPutAsync(string product, Reply reply, int status)
    {
        Assert.True((int)reply.Status == status, $"expected {status}, got {reply}");
        switch (status)
        {
            case 200:
                Assert.Equal("\"2\"", reply.Header("ETag"));
                Assert.Equal(2, reply.Json!["version"]!.GetValue<long>());
                break;
            case 412:
                Assert.Equal(PreconditionFailed, reply.ProblemType);
                Assert.Equal("\"1\"", reply.Header("ETag"));
                break;
            default:
                Assert.Equal(PreconditionRequired, reply.ProblemType);
                break;
        }

        var written = status == 200;
        Assert.Equal(written ? 2 : 1, await api.ScalarAsync("SELECT version FROM products WHERE id = $1", product));
        Assert.Equal(written ? 2000 : 1000, await api.ScalarAsync("SELECT price FROM products WHERE id = $1", product));
    }

    /// <summary>304: the ETag and no body. 200: the product at version 1. 412: the problem, with the ETag.</summary>
    private static void AssertGet(Reply reply, int status)
    {
        Assert.True((int)reply.Status == status, $"expected {status}, got {reply}");
        Assert.Equal("\"1\"", reply.Header("ETag"));
        switch (status)
        {
            case 304:
                Assert.Equal("", reply.Body);
                break;
            case 200:
                Assert.Equal(1, reply.Json!["version"]!.GetValue<long>());
                break;
            default:
                Assert.Equal(PreconditionFailed, reply.ProblemType);
                break;
        }
    }
}
