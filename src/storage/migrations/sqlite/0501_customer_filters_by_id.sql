-- A narrow copy of every filtered column of customers, keyed by id.
--
-- A filter that starts from a set of ids (a search's matches, a tag's
-- customers) tests each customer's other columns and sorts by name. Reading
-- the wide customer rows for that costs about 0.5 us a customer, in pages
-- scattered over the whole table; this index holds the same columns in a
-- tenth of the space, and SQLite answers such lookups from it alone:
-- "smi" narrowed to women who opted in (1,543 of 5,940 matches) sorted by
-- name went from 4.3 to 2.4 ms on 100,000 customers.
CREATE INDEX customers_filters_by_id ON customers (
    id, org_id, sort_last, sort_first, gender, has_opted_in_to_marketing,
    has_active_membership, has_active_youth_membership, has_active_adult_membership,
    has_future_membership, has_frozen_membership, birthday, created_at,
    latest_check_in_at, check_in_count, first_membership_date, address_postcode_key
);
