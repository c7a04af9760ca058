-- A build run by hand with its own cut-off (--as-of) shows the data as it
-- was then: the plan must not count it as the scheduled build of its meeting.
ALTER TABLE builds ADD COLUMN as_of_given INTEGER NOT NULL DEFAULT 0 CHECK (as_of_given IN (0, 1));
