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

-- Notes (org, customer) as changed: one step of the organization's number.
CREATE FUNCTION list_note_change(org BIGINT, customer BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE next BIGINT;
BEGIN
    INSERT INTO list_versions AS v (org_id, seq) VALUES (org, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = v.seq + 1
        RETURNING v.seq INTO next;
    INSERT INTO list_changes AS c (org_id, customer_id, seq) VALUES (org, customer, next)
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = EXCLUDED.seq;
END $$;

-- A row trigger: TG_ARGV[0] names the row's customer column ('' for every customer).
CREATE FUNCTION list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row JSONB;
    new_row JSONB;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
        PERFORM list_note_change((old_row->>'org_id')::BIGINT,
            CASE WHEN TG_ARGV[0] = '' THEN 0 ELSE (old_row->>TG_ARGV[0])::BIGINT END);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
        PERFORM list_note_change((new_row->>'org_id')::BIGINT,
            CASE WHEN TG_ARGV[0] = '' THEN 0 ELSE (new_row->>TG_ARGV[0])::BIGINT END);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION list_changed('id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON customer_tags
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON customer_proficiencies
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON custom_field_values
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON reservations
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON association_members
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON customer_challenges
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON customer_active_membership_types
    FOR EACH ROW EXECUTE FUNCTION list_changed('customer_id');
CREATE TRIGGER list_changed AFTER UPDATE OR DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION list_changed('');
CREATE TRIGGER list_changed AFTER UPDATE OR DELETE ON proficiencies
    FOR EACH ROW EXECUTE FUNCTION list_changed('');
CREATE TRIGGER list_changed AFTER INSERT OR UPDATE OR DELETE ON custom_fields
    FOR EACH ROW EXECUTE FUNCTION list_changed('');
CREATE TRIGGER list_changed AFTER UPDATE OR DELETE ON locations
    FOR EACH ROW EXECUTE FUNCTION list_changed('');
