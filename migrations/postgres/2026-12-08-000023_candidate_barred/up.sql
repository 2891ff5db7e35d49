-- A candidate suspended from the agreement (or sanctioned) before or during its turn is
-- passed over: its outcome is `barred`. Keep in step with the other engine's folder.
ALTER TABLE catalogue_order_candidates DROP CONSTRAINT catalogue_order_candidates_outcome_check;
ALTER TABLE catalogue_order_candidates ADD CONSTRAINT catalogue_order_candidates_outcome_check
    CHECK (outcome IN ('accepted', 'declined', 'lapsed', 'barred'));
