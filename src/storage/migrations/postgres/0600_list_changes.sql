-- The customer index's change log (storage::customer_index): every write to
-- a table a listed customer is made of bumps the organization's change
-- number and notes the customer, so that every server's in-memory list can
-- catch up with writes made by any path. One row per customer in
-- list_changes (the number of its last change); customer 0 stands for every
-- customer of the organization (a renamed tag, location, proficiency or
-- custom field changes how each is shown).

CREATE TABLE list_versions (
    org_id BIGINT PRIMARY KEY,
    seq    BIGINT NOT NULL
);
CREATE TABLE list_changes (
    org_id      BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    PRIMARY KEY (org_id, customer_id)
);
CREATE INDEX list_changes_by_seq ON list_changes (org_id, seq);

-- A statement trigger over the statement's transition tables (old_rows,
-- new_rows): one step of each organization's number per statement, however
-- many rows it wrote (a bulk import writes thousands per statement).
-- TG_ARGV[0] names the rows' customer column ('' for every customer).
CREATE FUNCTION list_changed_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    customer TEXT := CASE WHEN TG_ARGV[0] = '' THEN '0' ELSE quote_ident(TG_ARGV[0]) END;
    transitions TEXT[] := CASE TG_OP
        WHEN 'INSERT' THEN ARRAY['new_rows']
        WHEN 'DELETE' THEN ARRAY['old_rows']
        ELSE ARRAY['old_rows', 'new_rows'] END;
    transition TEXT;
    org BIGINT;
    next BIGINT;
BEGIN
    FOREACH transition IN ARRAY transitions LOOP
        FOR org IN EXECUTE format('SELECT DISTINCT org_id FROM %I', transition) LOOP
            INSERT INTO list_versions AS v (org_id, seq) VALUES (org, 1)
                ON CONFLICT (org_id) DO UPDATE SET seq = v.seq + 1
                RETURNING v.seq INTO next;
            EXECUTE format(
                'INSERT INTO list_changes AS c (org_id, customer_id, seq) '
                'SELECT DISTINCT org_id, %s, $1::BIGINT FROM %I WHERE org_id = $2 '
                'ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = EXCLUDED.seq',
                customer, transition) USING next, org;
        END LOOP;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER list_changed_insert AFTER INSERT ON customers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON customers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON customer_tags REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON customer_tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON customer_tags REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON customer_proficiencies REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON customer_proficiencies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON customer_proficiencies REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON custom_field_values REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON custom_field_values REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON custom_field_values REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON reservations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON reservations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON reservations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON association_members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON association_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON association_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON customer_challenges REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON customer_challenges REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON customer_challenges REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_insert AFTER INSERT ON customer_active_membership_types REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON customer_active_membership_types REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_delete AFTER DELETE ON customer_active_membership_types REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('customer_id');
CREATE TRIGGER list_changed_update AFTER UPDATE ON tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_delete AFTER DELETE ON tags REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_update AFTER UPDATE ON proficiencies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_delete AFTER DELETE ON proficiencies REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_insert AFTER INSERT ON custom_fields REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_update AFTER UPDATE ON custom_fields REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_delete AFTER DELETE ON custom_fields REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_update AFTER UPDATE ON locations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
CREATE TRIGGER list_changed_delete AFTER DELETE ON locations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION list_changed_rows('');
