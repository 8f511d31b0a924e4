-- The district table of dropouts (issue 18, decision 138): its two grouped counts read only
-- this index, never the cases' rows. It has the area index's columns first, so the lists
-- that filter by area, state and due date use it as they used that one.
CREATE INDEX dropout_cases_area_counts
    ON dropout_cases(village_code, state, next_due, close_outcome, school_org_id, first_absent_on);
DROP INDEX dropout_cases_area;
