-- Flash sales: a product's sale window, per-buyer limit and sale stock, and what each buyer holds or bought in it.

-- A product is on a sale when it has all four, or none: a sale is set whole.
ALTER TABLE products
    ADD COLUMN sale_starts_at        timestamptz NULL,
    ADD COLUMN sale_ends_at          timestamptz NULL,
    ADD COLUMN sale_per_buyer_limit  integer     NULL CHECK (sale_per_buyer_limit > 0),
    ADD COLUMN sale_stock            integer     NULL CHECK (sale_stock >= 0),
    ADD CONSTRAINT products_sale_whole CHECK (
        (sale_starts_at IS NULL) = (sale_ends_at IS NULL)
        AND (sale_starts_at IS NULL) = (sale_per_buyer_limit IS NULL)
        AND (sale_starts_at IS NULL) = (sale_stock IS NULL)),
    ADD CONSTRAINT products_sale_window CHECK (sale_ends_at > sale_starts_at);

-- The buyer a hold taken in a sale counts against, so that releasing it gives the buyer's count back.
ALTER TABLE product_holds ADD COLUMN customer_id text NULL;

-- Units each buyer holds or bought in the product's sale: written in the same transaction as the holds that change
-- them (and the product row, whose ETag guards it all), so a confirmed hold's count is as durable as the hold.
CREATE TABLE product_sale_buyers (
    product_id   text    NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    customer_id  text    NOT NULL,
    units        integer NOT NULL CHECK (units > 0),
    PRIMARY KEY (product_id, customer_id)
);
