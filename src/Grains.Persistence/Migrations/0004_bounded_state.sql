-- Bounded grain state: what an activation loads no longer grows with its history.

-- A wallet activation loads its recent movements (its dedupe window) and the history is paged newest first; both
-- read this index rather than every movement.
CREATE INDEX wallet_entries_by_time ON wallet_entries (user_id, created_at DESC, reference DESC);

-- Coupons move from Orleans' JSON storage to typed rows: one row per coupon that never grows, one row per use.
-- `uses` counts the coupon's use rows and is kept by the statements that add and remove them, so the CHECK refuses
-- any write that would take more uses than the limit, whatever the grain computed.
CREATE TABLE coupons (
    code         text        PRIMARY KEY,
    percent_off  integer     NOT NULL CHECK (percent_off BETWEEN 0 AND 100),
    amount_off   bigint      NOT NULL CHECK (amount_off >= 0),
    usage_limit  integer     NOT NULL CHECK (usage_limit > 0),
    expires_at   timestamptz NOT NULL,
    uses         integer     NOT NULL DEFAULT 0,
    etag         bigint      NOT NULL,
    CHECK (uses BETWEEN 0 AND usage_limit)
);

-- A use held for an unpaid order, or committed once it is paid (a committed use stays as its record). One per order.
CREATE TABLE coupon_uses (
    code        text        NOT NULL REFERENCES coupons (code) ON DELETE CASCADE,
    order_id    text        NOT NULL,
    discount    bigint      NOT NULL CHECK (discount >= 0),
    hold_until  timestamptz NOT NULL,
    committed   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (code, order_id)
);

-- What an activation loads: the open holds only.
CREATE INDEX coupon_uses_open ON coupon_uses (code) WHERE NOT committed;

-- The periodic purge finds expired keys by when they last changed (completed_at is null while in flight).
CREATE INDEX idempotency_keys_by_age ON idempotency_keys ((coalesce(completed_at, started_at)));

-- Coupons defined before this migration come over from Orleans' storage, where each was one JSON document (System.Text
-- Json: PascalCase, defaults omitted, "$id" keys when references are preserved) holding every use by order id. The old
-- rows stay where they were, for a rollback. A coupon the old code let go over its limit (a lapsed hold committed)
-- keeps its uses, its limit raised to them: it takes no more.
INSERT INTO coupons (code, percent_off, amount_off, usage_limit, expires_at, uses, etag)
SELECT legacy.grain_id_string,
       coalesce((legacy.definition->>'PercentOff')::integer, 0),
       coalesce((legacy.definition->>'AmountOff')::bigint, 0),
       greatest((legacy.definition->>'UsageLimit')::integer, legacy.use_count),
       (legacy.definition->>'ExpiresAt')::timestamptz,
       legacy.use_count,
       1
FROM (
    SELECT s.grain_id_string, doc->'Definition' AS definition,
           (SELECT count(*)::integer FROM jsonb_each(CASE WHEN jsonb_typeof(doc->'Uses') = 'object' THEN doc->'Uses' ELSE '{}' END) AS u
            WHERE u.key NOT LIKE '$%') AS use_count
    FROM orleans_storage AS s
    CROSS JOIN LATERAL (SELECT convert_from(s.payload, 'UTF8')::jsonb AS doc) AS parsed
    WHERE s.grain_type = 'coupon' AND s.payload IS NOT NULL
) AS legacy
WHERE jsonb_typeof(legacy.definition) = 'object'
ON CONFLICT (code) DO NOTHING;

INSERT INTO coupon_uses (code, order_id, discount, hold_until, committed)
SELECT s.grain_id_string, u.key,
       coalesce((u.value->>'Discount')::bigint, 0),
       coalesce((u.value->>'HoldUntil')::timestamptz, '0001-01-01T00:00:00Z'),
       coalesce((u.value->>'Committed')::boolean, false)
FROM orleans_storage AS s
CROSS JOIN LATERAL (SELECT convert_from(s.payload, 'UTF8')::jsonb AS doc) AS parsed
CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(parsed.doc->'Uses') = 'object' THEN parsed.doc->'Uses' ELSE '{}' END) AS u
WHERE s.grain_type = 'coupon' AND s.payload IS NOT NULL AND u.key NOT LIKE '$%'
  AND EXISTS (SELECT 1 FROM coupons AS c WHERE c.code = s.grain_id_string)
ON CONFLICT DO NOTHING;
