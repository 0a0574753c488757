-- The search index knows each customer's organization.
--
-- A `search` list counts its matches. With the organization outside the
-- index, every match's customer row was read to check its organization:
-- 2.6 ms for the ~6,000 customers of 100,000 that "smi" matches, against
-- 0.2 ms for the index alone. The organization is now a second indexed
-- column holding "#<org id>#" (one trigram for ids below 10, and a phrase
-- no other organization's marker contains either way, thanks to the `#`s),
-- so a search scoped to an organization is one full-text query: 0.85 ms.
--
-- `search_org` is a virtual generated column of customers (computed on
-- read, stored nowhere) so that the index's external content table has
-- every indexed column, as FTS5's 'rebuild' and 'delete' need.

DROP TRIGGER customers_search_ai;
DROP TRIGGER customers_search_ad;
DROP TRIGGER customers_search_au;
DROP TABLE customer_search;

ALTER TABLE customers ADD COLUMN search_org TEXT GENERATED ALWAYS AS ('#' || org_id || '#') VIRTUAL;

CREATE VIRTUAL TABLE customer_search USING fts5(
    search_org, search_text, content='customers', content_rowid='id', tokenize='trigram'
);
INSERT INTO customer_search(customer_search) VALUES ('rebuild');

CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search(rowid, search_org, search_text) VALUES (new.id, new.search_org, new.search_text);
END;
CREATE TRIGGER customers_search_ad AFTER DELETE ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, search_org, search_text)
        VALUES ('delete', old.id, old.search_org, old.search_text);
END;
CREATE TRIGGER customers_search_au AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customer_search(customer_search, rowid, search_org, search_text)
        VALUES ('delete', old.id, old.search_org, old.search_text);
    INSERT INTO customer_search(rowid, search_org, search_text) VALUES (new.id, new.search_org, new.search_text);
END;
