-- xhht store, schema version 4 (SQLite): the decision on a verified reward proposal
-- (`xhht_core::record::Decision`), kept with the proposal and audited like it.

ALTER TABLE reward_proposals ADD COLUMN decided_by TEXT;
ALTER TABLE reward_proposals ADD COLUMN decided_on TEXT;
ALTER TABLE reward_proposals ADD COLUMN decision TEXT CHECK (decision IN ('approved', 'rejected'));
ALTER TABLE reward_proposals ADD COLUMN decision_note TEXT;
