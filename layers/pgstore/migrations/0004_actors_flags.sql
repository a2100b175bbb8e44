-- Model columns added for the importers: neutral actors (ACLED actor1/actor2, UCDP side_a/side_b
-- outside one-sided violence), the place as reported in Arabic, and the flags as text (as in the
-- model; the flags table keeps one row per flag for queries).
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS actor1 text;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS actor2 text;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS place_reported_ar text;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS flags text;
