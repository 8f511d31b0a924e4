-- Whose conduct a record is: father, mother, another guardian or the entrusted carer.
-- Grounds for revocation are met by a guardian's conduct only ([UPL] 22, [CC] 27). Rows
-- kept before this have none and were recorded as a guardian's.
ALTER TABLE conduct_records ADD COLUMN standing TEXT;
