-- xhht store, schema version 4 (PostgreSQL): the decision on a verified reward proposal
-- (`xhht_core::record::Decision`), kept with the proposal and audited like it.

ALTER TABLE reward_proposals
    ADD COLUMN decided_by TEXT,
    ADD COLUMN decided_on DATE,
    ADD COLUMN decision TEXT CHECK (decision IN ('approved', 'rejected')),
    ADD COLUMN decision_note TEXT;
