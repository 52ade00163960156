-- xhht store, schema version 7: people looked up by citizen id (a citizen id names one person;
-- the writers refuse a second person with the same one, `xhht_store::write::check_citizen_ids`).

CREATE INDEX people_citizen_id ON people (citizen_id) WHERE citizen_id IS NOT NULL;
