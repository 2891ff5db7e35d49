-- Back to three outcomes: a barred candidate reads as one that let its time pass.
UPDATE catalogue_order_candidates SET outcome = 'lapsed' WHERE outcome = 'barred';
ALTER TABLE catalogue_order_candidates DROP CONSTRAINT catalogue_order_candidates_outcome_check;
ALTER TABLE catalogue_order_candidates ADD CONSTRAINT catalogue_order_candidates_outcome_check
    CHECK (outcome IN ('accepted', 'declined', 'lapsed'));
