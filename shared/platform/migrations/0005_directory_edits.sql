-- 0005 directory edits: the profile fields an organization's admins changed (a JSON array of
-- field names, see tremplin_domain::organization::EditedFields). Re-importing a national list
-- never overwrites them.
ALTER TABLE organizations ADD COLUMN edited_fields TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(edited_fields) AND json_type(edited_fields) = 'array');
-- ;
-- R-ORG-4: an orienteur (kind OTHER) is always NOT_REQUIRED; earlier imports could store another
-- status, which no re-import corrects (imports never touch a decided authorization).
UPDATE organizations SET authorization_status = 'NOT_REQUIRED', authorization_valid_until = NULL
    WHERE kind = 'OTHER' AND authorization_status <> 'NOT_REQUIRED'
