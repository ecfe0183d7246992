-- The membership council a meeting plan's registered participants sit on (PublishMeetingPlan's
-- council_id); empty for plans that name none.
ALTER TABLE agenda.meeting_plans ADD COLUMN council_id text NOT NULL DEFAULT '';
