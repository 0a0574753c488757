-- Issue 15: an imported record may carry the id it has in the system it came
-- from (`external_id`), unique per organization and kind, so that importing
-- the same file again updates the record in place and a later file can refer
-- to it. NULL for records made otherwise (several NULLs never collide).
ALTER TABLE locations ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX locations_by_external_id ON locations (org_id, external_id);
ALTER TABLE custom_fields ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX custom_fields_by_external_id ON custom_fields (org_id, external_id);
ALTER TABLE proficiencies ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX proficiencies_by_external_id ON proficiencies (org_id, external_id);
ALTER TABLE associations ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX associations_by_external_id ON associations (org_id, external_id);
ALTER TABLE challenges ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX challenges_by_external_id ON challenges (org_id, external_id);
ALTER TABLE event_types ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX event_types_by_external_id ON event_types (org_id, external_id);
ALTER TABLE membership_types ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX membership_types_by_external_id ON membership_types (org_id, external_id);
ALTER TABLE customers ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX customers_by_external_id ON customers (org_id, external_id);
ALTER TABLE customer_memberships ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX customer_memberships_by_external_id ON customer_memberships (org_id, external_id);
