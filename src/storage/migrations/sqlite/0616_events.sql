-- Issue 15: events.
--
-- One session of an event type: the reservations of one type, at one
-- location, with the same start and end book the same event
-- (storage::events::assign_events makes them).
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    event_type_id INTEGER NOT NULL,
    location_id   INTEGER,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    capacity      INTEGER,                 -- NULL: not known
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, event_type_id) REFERENCES event_types(org_id, id),
    FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX events_session ON events (org_id, event_type_id, starts_at);
CREATE INDEX events_created ON events (org_id, created_at, id);

-- SQLite adds no table constraint to an existing table: the column refers to
-- the event alone (storage::events only ever assigns one of the same org).
ALTER TABLE reservations ADD COLUMN event_id INTEGER REFERENCES events(id);
CREATE INDEX reservations_event ON reservations (event_id, status);
CREATE INDEX reservations_created ON reservations (org_id, created_at, id);
CREATE INDEX reservations_unassigned ON reservations (org_id) WHERE event_id IS NULL;

-- Existing reservations get their events on the next import; until then
-- make them here, in the same way.
INSERT INTO events (org_id, event_type_id, location_id, starts_at, ends_at, created_at, updated_at)
SELECT org_id, event_type_id, location_id, starts_at, ends_at, min(created_at), min(created_at)
FROM reservations
GROUP BY org_id, event_type_id, location_id, starts_at, ends_at
ORDER BY starts_at, event_type_id, location_id, ends_at;
UPDATE reservations SET event_id = (
    SELECT e.id FROM events e
    WHERE e.org_id = reservations.org_id AND e.event_type_id = reservations.event_type_id
      AND e.starts_at = reservations.starts_at AND e.ends_at = reservations.ends_at
      AND (e.location_id = reservations.location_id OR (e.location_id IS NULL AND reservations.location_id IS NULL))
    ORDER BY e.id LIMIT 1
);
