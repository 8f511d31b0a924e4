-- TOTP secrets are sealed with the data key (decision 213): those stored before are sealed at
-- the next start, as the values written before encryption were (decision 99).
INSERT INTO sealing_backlog (table_name) VALUES ('second_factors');
