DROP INDEX tender_notes_buyer;
DROP TABLE tender_notes;
