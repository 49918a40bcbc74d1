using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Bad input, one row each: every request is refused with the documented status and problem type, and nothing is
/// written. Rows name what they need with placeholders — {user} (the row's own customer, or the wallet it is about),
/// {product} (a fresh product with stock), {new} (an unused product id), {order} (an order {user} placed), {etag} and
/// {stale} (the product's current and a previous ETag), {key} (a fresh Idempotency-Key), {key:N}, {pad:N} and
/// {lines:N} (N key characters, N padding characters, a JSON array of N order lines) — so that rows are independent.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class BadInputTests(ApiCluster api)
{
    private const string ValidationFailed = "https://errors.example/validation-failed";
    private const string MalformedBody = "https://errors.example/malformed-body";
    private const string PayloadTooLarge = "https://errors.example/payload-too-large";
    private const string UnsupportedMediaType = "https://errors.example/unsupported-media-type";
    private const string KeyMissing = "https://errors.example/idempotency-key-missing";
    private const string KeyInvalid = "https://errors.example/idempotency-key-invalid";
    private const string PreconditionRequired = "https://errors.example/precondition-required";
    private const string PreconditionFailed = "https://errors.example/precondition-failed";
    private const string MethodNotAllowed = "https://errors.example/method-not-allowed";
    private const string ProductNotFound = "https://errors.example/product-not-found";

    private const string Json = "application/json";
    private const string Key = "Idempotency-Key: {key}";

    /// <summary>Over the test front ends' Frontend:MaxRequestBodyBytes (65536).</summary>
    private const int Oversized = 70_000;

    /// <summary>Deeper than any body of the API, and than the reader's depth limit of 16.</summary>
    private static readonly string s_deep = new string('[', 20) + new string(']', 20);

    /// <summary>
    /// Each row: description, caller (anonymous, customer = {user}, staff, manager, admin), method, path, body (null: no
    /// content), content type ("": none), headers (one "Name: value" a line), status, problem type, and for a validation
    /// failure the field its errors must name.
    /// </summary>
    public static TheoryData<string, string, string, string, string?, string, string, int, string, string?> Rows
    {
        get
        {
            var rows = new TheoryData<string, string, string, string, string?, string, string, int, string, string?>();

            void Row(string description, string caller, string method, string path, string? body, int status, string type, string? errorField = null, string contentType = Json, string headers = "")
                => rows.Add(description, caller, method, path, body, contentType, headers, status, type, errorField);

            // POST /products (manager)
            const string products = "/api/v1/products";
            Row("product without id", "manager", "POST", products, """{"name":"Lamp","price":1000,"stock":1}""", 400, ValidationFailed, "id");
            Row("product without name", "manager", "POST", products, """{"id":"{new}","price":1000,"stock":1}""", 400, ValidationFailed, "name");
            Row("product without price", "manager", "POST", products, """{"id":"{new}","name":"Lamp","stock":1}""", 400, ValidationFailed, "price");
            Row("product without stock", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000}""", 400, ValidationFailed, "stock");
            Row("product id as a number", "manager", "POST", products, """{"id":123,"name":"Lamp","price":1000,"stock":1}""", 400, ValidationFailed, "id");
            Row("product price as a string", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":"1000","stock":1}""", 400, ValidationFailed, "price");
            Row("product price negative", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":-1,"stock":1}""", 400, ValidationFailed, "price");
            Row("product price beyond long", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":9223372036854775808,"stock":1}""", 400, ValidationFailed, "price");
            Row("product price above the maximum", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000000000000000001,"stock":1}""", 400, ValidationFailed, "price");
            Row("product stock beyond int", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":2147483648}""", 400, ValidationFailed, "stock");
            Row("product stock negative", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":-1}""", 400, ValidationFailed, "stock");
            Row("product stock fractional", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":1.5}""", 400, ValidationFailed, "stock");
            Row("product id with a space", "manager", "POST", products, """{"id":"bad id","name":"Lamp","price":1000,"stock":1}""", 400, ValidationFailed, "id");
            Row("product id over 64 characters", "manager", "POST", products, $$"""{"id":"{{new string('a', 65)}}","name":"Lamp","price":1000,"stock":1}""", 400, ValidationFailed, "id");
            Row("product name blank", "manager", "POST", products, """{"id":"{new}","name":"   ","price":1000,"stock":1}""", 400, ValidationFailed, "name");
            Row("product name over 200 characters", "manager", "POST", products, $$"""{"id":"{new}","name":"{{new string('n', 201)}}","price":1000,"stock":1}""", 400, ValidationFailed, "name");
            Row("product with an unknown field", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":1,"colour":"red"}""", 400, ValidationFailed, "colour");
            Row("product body malformed", "manager", "POST", products, """{"id":"{new}","name":""", 400, MalformedBody);
            Row("product body an array", "manager", "POST", products, """[{"id":"{new}","name":"Lamp","price":1000,"stock":1}]""", 400, MalformedBody);
            Row("product body empty", "manager", "POST", products, "", 400, MalformedBody);
            Row("product body JSON null", "manager", "POST", products, "null", 400, MalformedBody);
            Row("product body with trailing garbage", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":1} x""", 400, MalformedBody);
            Row("product body nested too deep", "manager", "POST", products, $$"""{"id":"{new}","name":"Lamp","price":1000,"stock":1,"tags":{{s_deep}}}""", 400, MalformedBody);
            Row("product body over the size limit", "manager", "POST", products, $$"""{"id":"{new}","name":"{pad:{{Oversized}}}","price":1000,"stock":1}""", 413, PayloadTooLarge);
            Row("product body as text/plain", "manager", "POST", products, """{"id":"{new}","name":"Lamp","price":1000,"stock":1}""", 415, UnsupportedMediaType, contentType: "text/plain");

            // PUT /products/{id} (manager)
            const string product = "/api/v1/products/{product}";
            const string rename = """{"name":"Renamed","price":2000}""";
            Row("update without If-Match", "manager", "PUT", product, rename, 428, PreconditionRequired);
            Row("update with an unquoted If-Match", "manager", "PUT", product, rename, 400, ValidationFailed, "If-Match", headers: "If-Match: 1");
            Row("update with a weak If-Match, which the strong comparison never matches", "manager", "PUT", product, rename, 412, PreconditionFailed, headers: "If-Match: W/{etag}");
            Row("update with * inside an If-Match list", "manager", "PUT", product, rename, 400, ValidationFailed, "If-Match", headers: "If-Match: *, {etag}");
            Row("update with a stale If-Match", "manager", "PUT", product, rename, 412, PreconditionFailed, headers: "If-Match: {stale}");
            Row("update without price", "manager", "PUT", product, """{"name":"Renamed"}""", 400, ValidationFailed, "price", headers: "If-Match: {etag}");
            Row("update with stock, which PUT does not set", "manager", "PUT", product, """{"name":"Renamed","price":2000,"stock":5}""", 400, ValidationFailed, "stock", headers: "If-Match: {etag}");
            Row("update malformed", "manager", "PUT", product, """{"name":"Renamed",""", 400, MalformedBody, headers: "If-Match: {etag}");
            Row("update as text/plain", "manager", "PUT", product, rename, 415, UnsupportedMediaType, contentType: "text/plain", headers: "If-Match: {etag}");
            Row("delete, which products do not allow", "manager", "DELETE", product, null, 405, MethodNotAllowed);

            // POST /products/{id}/stock-adjustments (manager, [idem])
            const string adjust = "/api/v1/products/{product}/stock-adjustments";
            Row("stock adjustment of 0", "manager", "POST", adjust, """{"delta":0,"reason":"count"}""", 400, ValidationFailed, "delta", headers: Key);
            Row("stock adjustment without delta", "manager", "POST", adjust, """{"reason":"count"}""", 400, ValidationFailed, "delta", headers: Key);
            Row("stock adjustment without reason", "manager", "POST", adjust, """{"delta":5}""", 400, ValidationFailed, "reason", headers: Key);
            Row("stock adjustment beyond int", "manager", "POST", adjust, """{"delta":2147483648,"reason":"count"}""", 400, ValidationFailed, "delta", headers: Key);
            Row("stock adjustment below the minimum", "manager", "POST", adjust, """{"delta":-10000001,"reason":"count"}""", 400, ValidationFailed, "delta", headers: Key);
            Row("stock adjustment with no body at all", "manager", "POST", adjust, null, 415, UnsupportedMediaType, headers: Key);
            Row("stock adjustment with an empty body and no content type", "manager", "POST", adjust, "", 415, UnsupportedMediaType, contentType: "", headers: Key);
            Row("stock adjustment without Idempotency-Key", "manager", "POST", adjust, """{"delta":5,"reason":"count"}""", 400, KeyMissing);
            Row("stock adjustment with a 256-character key", "manager", "POST", adjust, """{"delta":5,"reason":"count"}""", 400, KeyInvalid, headers: "Idempotency-Key: {key:256}");
            Row("stock adjustment with a tab in the key", "manager", "POST", adjust, """{"delta":5,"reason":"count"}""", 400, KeyInvalid, headers: "Idempotency-Key: a\tb-{key}");
            Row("stock adjustment with two keys", "manager", "POST", adjust, """{"delta":5,"reason":"count"}""", 400, KeyInvalid, headers: "Idempotency-Key: {key}\nIdempotency-Key: second-{key}");

            // POST /orders (customer, [idem])
            const string orders = "/api/v1/orders";
            Row("order without items", "customer", "POST", orders, "{}", 400, ValidationFailed, "items", headers: Key);
            Row("order with no lines", "customer", "POST", orders, """{"items":[]}""", 400, ValidationFailed, "items", headers: Key);
            Row("order with 51 lines", "customer", "POST", orders, """{"items":{lines:51}}""", 400, ValidationFailed, "items", headers: Key);
            Row("order items as an object", "customer", "POST", orders, """{"items":{"product_id":"{product}","quantity":1}}""", 400, ValidationFailed, "items", headers: Key);
            Row("order line null", "customer", "POST", orders, """{"items":[null]}""", 400, ValidationFailed, "items[0]", headers: Key);
            Row("order line without quantity", "customer", "POST", orders, """{"items":[{"product_id":"{product}"}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order quantity 0", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":0}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order quantity 101", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":101}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order quantity negative", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":-1}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order quantity beyond int", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":2147483648}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order quantity as a string", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":"1"}]}""", 400, ValidationFailed, "items[0].quantity", headers: Key);
            Row("order with a product twice", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1},{"product_id":"{product}","quantity":2}]}""", 400, ValidationFailed, "items[1].product_id", headers: Key);
            Row("order product id with a space", "customer", "POST", orders, """{"items":[{"product_id":"bad id","quantity":1}]}""", 400, ValidationFailed, "items[0].product_id", headers: Key);
            Row("order product id as a number", "customer", "POST", orders, """{"items":[{"product_id":123,"quantity":1}]}""", 400, ValidationFailed, "items[0].product_id", headers: Key);
            Row("order line with an unknown field", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1,"price":1}]}""", 400, ValidationFailed, "items[0].price", headers: Key);
            Row("order with an unknown top-level field", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1}],"coupon":"SALE"}""", 400, ValidationFailed, "coupon", headers: Key);
            Row("order coupon code with a space and %", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1}],"coupon_code":"SAVE 10%"}""", 400, ValidationFailed, "coupon_code", headers: Key);
            Row("order coupon code over 64 characters", "customer", "POST", orders, $$"""{"items":[{"product_id":"{product}","quantity":1}],"coupon_code":"{{new string('C', 65)}}"}""", 400, ValidationFailed, "coupon_code", headers: Key);
            Row("order for an unknown product", "customer", "POST", orders, """{"items":[{"product_id":"{new}","quantity":1}]}""", 404, ProductNotFound, headers: Key);
            Row("order without Idempotency-Key", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1}]}""", 400, KeyMissing);
            Row("order with a 256-character key", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1}]}""", 400, KeyInvalid, headers: "Idempotency-Key: {key:256}");
            Row("order body malformed", "customer", "POST", orders, """{"items":[{"product_id":""", 400, MalformedBody, headers: Key);
            Row("order body an array", "customer", "POST", orders, """[{"product_id":"{product}","quantity":1}]""", 400, MalformedBody, headers: Key);
            Row("order body empty", "customer", "POST", orders, "", 400, MalformedBody, headers: Key);
            Row("order body over the size limit", "customer", "POST", orders, $$"""{"items":[{"product_id":"{product}","quantity":1}],"coupon_code":"{pad:{{Oversized}}}"}""", 413, PayloadTooLarge, headers: Key);
            Row("order body as text/plain", "customer", "POST", orders, """{"items":[{"product_id":"{product}","quantity":1}]}""", 415, UnsupportedMediaType, contentType: "text/plain", headers: Key);

            // POST /orders/{id}/cancel (customer)
            Row("cancel with an unknown query parameter", "customer", "POST", "/api/v1/orders/{order}/cancel?reason=late", null, 400, ValidationFailed, "reason", headers: Key);

            // GET /products (anonymous) and GET /products/{id}
            Row("products cursor not base64url", "anonymous", "GET", "/api/v1/products?cursor=not-a-cursor!", null, 400, ValidationFailed, "cursor");
            Row("products cursor of the orders list", "anonymous", "GET", $"/api/v1/products?cursor={Cursor("""{"created_at":"2026-01-01T00:00:00Z","id":"ord_x"}""")}", null, 400, ValidationFailed, "cursor");
            Row("products cursor of another sort", "anonymous", "GET", $"/api/v1/products?sort=price&cursor={Cursor("""{"sort":"name","name":"Lamp","price":1,"id":"p-1"}""")}", null, 400, ValidationFailed, "cursor");
            Row("products cursor forged with null fields", "anonymous", "GET", $"/api/v1/products?cursor={Cursor("""{"sort":"name","name":null,"price":0,"id":null}""")}", null, 400, ValidationFailed, "cursor");
            Row("products unknown query parameter", "anonymous", "GET", "/api/v1/products?colour=red", null, 400, ValidationFailed, "colour");
            Row("products limit given twice", "anonymous", "GET", "/api/v1/products?limit=5&limit=6", null, 400, ValidationFailed, "limit");
            Row("products limit 0", "anonymous", "GET", "/api/v1/products?limit=0", null, 400, ValidationFailed, "limit");
            Row("products limit 101", "anonymous", "GET", "/api/v1/products?limit=101", null, 400, ValidationFailed, "limit");
            Row("products limit abc", "anonymous", "GET", "/api/v1/products?limit=abc", null, 400, ValidationFailed, "limit");
            Row("products limit negative", "anonymous", "GET", "/api/v1/products?limit=-1", null, 400, ValidationFailed, "limit");
            Row("products limit beyond int", "anonymous", "GET", "/api/v1/products?limit=4294967297", null, 400, ValidationFailed, "limit");
            Row("products sort unknown", "anonymous", "GET", "/api/v1/products?sort=cost", null, 400, ValidationFailed, "sort");
            Row("products search empty", "anonymous", "GET", "/api/v1/products?q=", null, 400, ValidationFailed, "q");
            Row("products search over 100 characters", "anonymous", "GET", $"/api/v1/products?q={new string('q', 101)}", null, 400, ValidationFailed, "q");
            Row("products search with a control character", "anonymous", "GET", "/api/v1/products?q=lamp%00", null, 400, ValidationFailed, "q");
            Row("product details with an unbalanced If-None-Match", "anonymous", "GET", "/api/v1/products/{product}", null, 400, ValidationFailed, "If-None-Match", headers: "If-None-Match: \"1");
            Row("product details with a query parameter", "anonymous", "GET", "/api/v1/products/{product}?expand=stock", null, 400, ValidationFailed, "expand");

            // GET /orders (customer; staff where customer_id counts)
            Row("orders status unknown", "customer", "GET", "/api/v1/orders?status=SHIPPED", null, 400, ValidationFailed, "status");
            Row("orders created_from a word", "customer", "GET", "/api/v1/orders?created_from=yesterday", null, 400, ValidationFailed, "created_from");
            Row("orders created_from a date only", "customer", "GET", "/api/v1/orders?created_from=2026-01-31", null, 400, ValidationFailed, "created_from");
            Row("orders created_from without offset", "customer", "GET", "/api/v1/orders?created_from=2026-01-31T10:00:00", null, 400, ValidationFailed, "created_from");
            Row("orders created_from 30 February", "customer", "GET", "/api/v1/orders?created_from=2026-02-30T10:00:00Z", null, 400, ValidationFailed, "created_from");
            Row("orders created_to before created_from", "customer", "GET", "/api/v1/orders?created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z", null, 400, ValidationFailed, "created_to");
            Row("orders cursor not base64url", "customer", "GET", "/api/v1/orders?cursor=@@@", null, 400, ValidationFailed, "cursor");
            Row("orders cursor of the products list", "customer", "GET", $"/api/v1/orders?cursor={Cursor("""{"sort":"name","name":"Lamp","price":1,"id":"p-1"}""")}", null, 400, ValidationFailed, "cursor");
            Row("orders cursor forged with a bad id", "customer", "GET", $"/api/v1/orders?cursor={Cursor("""{"created_at":"2026-01-01T00:00:00Z","id":"x' OR '1'='1"}""")}", null, 400, ValidationFailed, "cursor");
            Row("orders limit 101", "customer", "GET", "/api/v1/orders?limit=101", null, 400, ValidationFailed, "limit");
            Row("orders unknown query parameter", "customer", "GET", "/api/v1/orders?sort=total", null, 400, ValidationFailed, "sort");
            Row("orders status given twice", "customer", "GET", "/api/v1/orders?status=PAID&status=CANCELLED", null, 400, ValidationFailed, "status");
            Row("orders customer_id with a space", "staff", "GET", "/api/v1/orders?customer_id=bad%20id", null, 400, ValidationFailed, "customer_id");

            // POST /wallets/{user_id}/credits (admin, [idem])
            const string credits = "/api/v1/wallets/{user}/credits";
            Row("credit of 0", "admin", "POST", credits, """{"amount":0,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit negative", "admin", "POST", credits, """{"amount":-500,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit amount as a string", "admin", "POST", credits, """{"amount":"500","reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit amount fractional", "admin", "POST", credits, """{"amount":1.5,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit amount beyond long", "admin", "POST", credits, """{"amount":9223372036854775808,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit amount above the maximum", "admin", "POST", credits, """{"amount":1000000000000000001,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("credit without reference", "admin", "POST", credits, """{"amount":500}""", 400, ValidationFailed, "reference", headers: Key);
            Row("credit reference with a space", "admin", "POST", credits, """{"amount":500,"reference":"bad ref"}""", 400, ValidationFailed, "reference", headers: Key);
            Row("credit without Idempotency-Key", "admin", "POST", credits, """{"amount":500,"reference":"r-1"}""", 400, KeyMissing);

            // POST /wallets/{user_id}/debits (the customer, on a wallet credited with 1000)
            const string debits = "/api/v1/wallets/{user}/debits";
            Row("debit without reference", "customer", "POST", debits, """{"amount":100}""", 400, ValidationFailed, "reference", headers: Key);
            Row("debit of 0", "customer", "POST", debits, """{"amount":0,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("debit negative, which would credit", "customer", "POST", debits, """{"amount":-500,"reference":"r-1"}""", 400, ValidationFailed, "amount", headers: Key);
            Row("debit with an unknown field", "customer", "POST", debits, """{"amount":100,"reference":"r-1","currency":"USD"}""", 400, ValidationFailed, "currency", headers: Key);
            Row("debit as text/plain", "customer", "POST", debits, """{"amount":100,"reference":"r-1"}""", 415, UnsupportedMediaType, contentType: "text/plain", headers: Key);
            Row("debit without Idempotency-Key", "customer", "POST", debits, """{"amount":100,"reference":"r-1"}""", 400, KeyMissing);
            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Bad_input_is_refused_and_writes_nothing(
        string description, string caller, string method, string path, string? body, string contentType, string headers, int status, string type, string? field)
    {
        var row = await ArrangeAsync(path + body + headers);
        using var client = api.B.ClientFor(TokenFor(caller, row.User));
        using var request = new HttpRequestMessage(new HttpMethod(method), row.Expand(path));
        if (body is not null)
        {
            request.Content = new StringContent(row.Expand(body), Encoding.UTF8);
            request.Content.Headers.ContentType = contentType.Length == 0 ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var line in headers.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(request.Headers.TryAddWithoutValidation(line[..colon], row.Expand(line[(colon + 1)..].Trim())), line);
        }

        var before = await SnapshotAsync(row);
        var start = DateTimeOffset.UtcNow;

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        Assert.True((int)reply.Status == status, $"{description}: expected {status} {type}, got {reply}");
        Assert.Equal("application/problem+json", reply.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, reply.ProblemType);
        Assert.Equal(status, reply.Json!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(reply.Json["request_id"]?.GetValue<string>()), reply.ToString());
        if (field is not null)
        {
            // The client learns which field is wrong, named as it sent it.
            var errors = reply.Json["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"{description}: expected errors.{field}, got {reply}");
        }

        // Nothing the row is about changed, and nothing was created anywhere since the request was sent.
        Assert.Equal(before, await SnapshotAsync(row));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM products WHERE created_at >= $1", start));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM orders WHERE created_at >= $1", start));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE created_at >= $1", start));
        if (type is KeyMissing or KeyInvalid || !headers.Contains("{key}", StringComparison.Ordinal))
        {
            // No usable key sent, so none may be taken: no idempotency record either.
            Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE started_at >= $1", start));
        }
        else
        {
            // A refusal under a key is that key's final answer: the key must not stay "in flight" and block retries.
            Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1 AND NOT completed", row.Key));
        }
    }

    private static string? TokenFor(string caller, string user) => caller switch
    {
        "anonymous" => null,
        "customer" => Tokens.Customer(user),
        "staff" => Seed.Staff,
        "manager" => Seed.Manager,
        "admin" => Seed.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    /// <summary>A list cursor as the API encodes them: base64url JSON.</summary>
    private static string Cursor(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Makes what the row's placeholders name.</summary>
    private async Task<RowObjects> ArrangeAsync(string template)
    {
        var row = new RowObjects { User = Seed.UniqueId("bad"), New = Seed.UniqueId("p"), Key = Api.NewKey() };
        if (template.Contains("{product}", StringComparison.Ordinal) || template.Contains("{etag}", StringComparison.Ordinal)
            || template.Contains("{stale}", StringComparison.Ordinal) || template.Contains("{order}", StringComparison.Ordinal))
        {
            row.Product = await Seed.ProductAsync(api.A, stock: 10);
        }

        if (template.Contains("{etag}", StringComparison.Ordinal) || template.Contains("{stale}", StringComparison.Ordinal))
        {
            using var manager = api.A.ClientFor(Seed.Manager);
            var read = await manager.GetJsonAsync($"/api/v1/products/{row.Product}");
            row.ETag = read.Header("ETag")!;
            if (template.Contains("{stale}", StringComparison.Ordinal))
            {
                // Someone else changes the product after we read it: our ETag is now a previous version's.
                using var update = Api.Request(HttpMethod.Put, $"/api/v1/products/{row.Product}", """{"name":"Changed meanwhile","price":1}""");
                update.Headers.TryAddWithoutValidation("If-Match", row.ETag);
                var updated = await Reply.ReadAsync(await manager.SendAsync(update));
                Assert.True(updated.Status == HttpStatusCode.OK, updated.ToString());
                row.Stale = row.ETag;
                row.ETag = updated.Header("ETag")!;
                Assert.NotEqual(row.Stale, row.ETag);
            }
        }

        if (template.Contains("{order}", StringComparison.Ordinal))
        {
            using var customer = api.A.ClientFor(Tokens.Customer(row.User));
            var placed = await customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(row.Product), Api.NewKey());
            Assert.True(placed.Status == HttpStatusCode.Created, placed.ToString());
            row.Order = placed.Json!["id"]!.GetValue<string>();
        }

        if (template.Contains("/debits", StringComparison.Ordinal))
        {
            await Seed.CreditAsync(api.A, row.User, 1_000);
        }

        return row;
    }

    /// <summary>Count and content hash of every row of the typed tables that this row's objects own.</summary>
    private Task<IReadOnlyList<string>> SnapshotAsync(RowObjects row) => Security.WrittenState.SnapshotAsync(api, row.User, row.Product);

    private sealed class RowObjects
    {
        public required string User { get; init; }

        public required string New { get; init; }

        public required string Key { get; init; }

        public string Product { get; set; } = "";

        public string Order { get; set; } = "";

        public string ETag { get; set; } = "";

        public string Stale { get; set; } = "";

        public string Expand(string template)
        {
            var text = Sized().Replace(template, match =>
            {
                var size = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                return match.Groups[1].Value switch
                {
                    "key" => new string('k', size),
                    "pad" => new string('x', size),
                    _ => "[" + string.Join(',', Enumerable.Range(1, size).Select(i => $$"""{"product_id":"line-{{i}}","quantity":1}""")) + "]",
                };
            });
            return text
                .Replace("{user}", User, StringComparison.Ordinal)
                .Replace("{product}", Product, StringComparison.Ordinal)
                .Replace("{new}", New, StringComparison.Ordinal)
                .Replace("{order}", Order, StringComparison.Ordinal)
                .Replace("{etag}", ETag, StringComparison.Ordinal)
                .Replace("{stale}", Stale, StringComparison.Ordinal)
                .Replace("{key}", Key, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"\{(key|pad|lines):(\d+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Sized();
}
