-- Issue 15: membership terms, and one name per interval code.
--
-- One name per interval code: yearly is YRL (as docs/api.md and Capitan say),
-- weekly WKL; the demo used to write YEA.
UPDATE membership_types SET interval = 'YRL' WHERE interval = 'YEA';
UPDATE membership_types SET interval = 'WKL' WHERE interval = 'WEE';
UPDATE customer_memberships SET interval = 'YRL' WHERE interval = 'YEA';
UPDATE customer_memberships SET interval = 'WKL' WHERE interval = 'WEE';

-- A running recurring membership now carries the end of its current billing
-- period (storage::derived). Forgetting the date the summary columns were
-- computed for makes the next request's catch-up a full one, which gives
-- every running recurring membership without an end date its term.
UPDATE organizations SET derived_as_of = NULL;
