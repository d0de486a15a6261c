-- 0005 directory edits: the profile fields an organization's admins changed (a JSON array of
-- field names, see tremplin_domain::organization::EditedFields). Re-importing a national list
-- never overwrites them.
ALTER TABLE organizations ADD COLUMN edited_fields TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(edited_fields) AND json_type(edited_fields) = 'array');
