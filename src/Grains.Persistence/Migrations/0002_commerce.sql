-- Typed tables the commerce grains write (each grain write is one transaction: its row, and only the child rows
-- that changed) and that lists query directly. `etag` guards the grain's writes; `version` is what the API shows.

CREATE TABLE customers (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id                    text        PRIMARY KEY,
    name                  text        NOT NULL,
    price                 bigint      NOT NULL CHECK (price >= 0),
    available             integer     NOT NULL CHECK (available >= 0),
    version               bigint      NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    hold_sweep_scheduled  boolean     NOT NULL,
    etag                  bigint      NOT NULL
) WITH (fillfactor = 80);

CREATE INDEX products_by_name ON products (name, id);
CREATE INDEX products_by_price ON products (price, id);

-- Stock held for orders; a committed hold is a sale and stays as its record.
CREATE TABLE product_holds (
    product_id  text        NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    order_id    text        NOT NULL,
    quantity    integer     NOT NULL CHECK (quantity > 0),
    unit_price  bigint      NOT NULL,
    hold_until  timestamptz NOT NULL,
    committed   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (product_id, order_id)
);

CREATE TABLE orders (
    id           text        PRIMARY KEY,
    customer_id  text        NOT NULL REFERENCES customers (id),
    status       text        NOT NULL,
    subtotal     bigint      NOT NULL,
    discount     bigint      NOT NULL,
    total        bigint      NOT NULL,
    currency     text        NOT NULL,
    coupon_code  text        NULL,
    item_count   integer     NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL,
    etag         bigint      NOT NULL
);

-- Keyset pagination, newest first: all orders, one customer's, one status's.
CREATE INDEX orders_by_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, id DESC);

CREATE TABLE order_items (
    order_id      text    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line          integer NOT NULL,
    product_id    text    NOT NULL,
    product_name  text    NOT NULL,
    quantity      integer NOT NULL,
    unit_price    bigint  NOT NULL,
    line_total    bigint  NOT NULL,
    PRIMARY KEY (order_id, line)
);

CREATE TABLE wallets (
    user_id    text    PRIMARY KEY,
    balance    bigint  NOT NULL CHECK (balance >= 0),
    currency   text    NOT NULL,
    version    bigint  NOT NULL,
    etag       bigint  NOT NULL
);

-- Every movement, once per reference (the reference is what makes a debit idempotent).
CREATE TABLE wallet_entries (
    user_id        text        NOT NULL REFERENCES wallets (user_id) ON DELETE CASCADE,
    reference      text        NOT NULL,
    amount         bigint      NOT NULL,
    balance_after  bigint      NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (user_id, reference)
);

-- One row per user and key: the unique constraint behind Idempotency-Key.
CREATE TABLE idempotency_keys (
    user_id          text        NOT NULL,
    idempotency_key  text        NOT NULL,
    fingerprint      text        NOT NULL,
    completed        boolean     NOT NULL,
    started_at       timestamptz NOT NULL,
    completed_at     timestamptz NULL,
    response         jsonb       NULL,
    etag             bigint      NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
