-- Issue 16: the duplicate check (GET /api/customers/possible-duplicates/).
-- Each signal is one index lookup: the email by the existing
-- customers_email_key index, the phone number by its last digits, the name
-- (accents, case and punctuation folded) with the birthday. The keys are
-- computed in Rust (model::duplicates) on every customer write (API, import,
-- demo: storage::customers::written_values); rows written before this
-- migration have dup_name NULL and are filled in when the database opens
-- (storage::duplicates::backfill).
ALTER TABLE customers ADD COLUMN dup_name TEXT;   -- folded first, U+001F, folded last; '' when either is empty
ALTER TABLE customers ADD COLUMN dup_phone TEXT;  -- last 9 digits; NULL with fewer than 7
CREATE INDEX customers_dup_name ON customers (org_id, dup_name, birthday);
CREATE INDEX customers_dup_phone ON customers (org_id, dup_phone);
CREATE INDEX customers_dup_pending ON customers (id) WHERE dup_name IS NULL;
