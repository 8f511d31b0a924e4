-- Reports past their deadline are announced again, once each (decision 215): whether a
-- report's late cause is written yet is read by its cause.
CREATE INDEX notify_causes_cause ON notify_causes(cause);
