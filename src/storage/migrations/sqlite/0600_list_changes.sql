-- The customer index's change log (storage::customer_index): every write to
-- a table a listed customer is made of bumps the organization's change
-- number and notes the customer, so that every server's in-memory list can
-- catch up with writes made by any path. One row per customer in
-- list_changes (the number of its last change); customer 0 stands for every
-- customer of the organization (a renamed tag, location, proficiency or
-- custom field changes how each is shown).

CREATE TABLE list_versions (
    org_id INTEGER PRIMARY KEY,
    seq    INTEGER NOT NULL
);
CREATE TABLE list_changes (
    org_id      INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (org_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX list_changes_by_seq ON list_changes (org_id, seq);

CREATE TRIGGER list_changed_customers_ai AFTER INSERT ON customers BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customers_au AFTER UPDATE ON customers BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customers_ad AFTER DELETE ON customers BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_tags_ai AFTER INSERT ON customer_tags BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_tags_au AFTER UPDATE ON customer_tags BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_tags_ad AFTER DELETE ON customer_tags BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_proficiencies_ai AFTER INSERT ON customer_proficiencies BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_proficiencies_au AFTER UPDATE ON customer_proficiencies BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_proficiencies_ad AFTER DELETE ON customer_proficiencies BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_field_values_ai AFTER INSERT ON custom_field_values BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_field_values_au AFTER UPDATE ON custom_field_values BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_field_values_ad AFTER DELETE ON custom_field_values BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_reservations_ai AFTER INSERT ON reservations BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_reservations_au AFTER UPDATE ON reservations BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_reservations_ad AFTER DELETE ON reservations BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_association_members_ai AFTER INSERT ON association_members BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_association_members_au AFTER UPDATE ON association_members BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_association_members_ad AFTER DELETE ON association_members BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_challenges_ai AFTER INSERT ON customer_challenges BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_challenges_au AFTER UPDATE ON customer_challenges BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_challenges_ad AFTER DELETE ON customer_challenges BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_active_membership_types_ai AFTER INSERT ON customer_active_membership_types BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_active_membership_types_au AFTER UPDATE ON customer_active_membership_types BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, NEW.customer_id, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_customer_active_membership_types_ad AFTER DELETE ON customer_active_membership_types BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, OLD.customer_id, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_tags_update AFTER UPDATE ON tags BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_tags_delete AFTER DELETE ON tags BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_proficiencies_update AFTER UPDATE ON proficiencies BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_proficiencies_delete AFTER DELETE ON proficiencies BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_fields_insert AFTER INSERT ON custom_fields BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_fields_update AFTER UPDATE ON custom_fields BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_custom_fields_delete AFTER DELETE ON custom_fields BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_locations_update AFTER UPDATE ON locations BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (NEW.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = NEW.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER list_changed_locations_delete AFTER DELETE ON locations BEGIN
    INSERT INTO list_versions (org_id, seq) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO list_changes (org_id, customer_id, seq)
        VALUES (OLD.org_id, 0, (SELECT seq FROM list_versions WHERE org_id = OLD.org_id))
        ON CONFLICT (org_id, customer_id) DO UPDATE SET seq = excluded.seq;
END;
