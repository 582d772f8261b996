-- Downloads (issue 16): an MP4 (M4A for audio) of an asset's best rendition, off by default, made by remuxing its
-- published segments (no re-encode) once it is READY, or at once when turned on for an asset that is; served
-- through the same signed CDN path as its playlists.
alter table asset add column downloads_enabled boolean not null default false;
-- the stored object (under the asset's media prefix, so deleting the asset takes it); null until made
alter table asset add column download_key varchar(512);
alter table asset add column download_bytes bigint;
alter table asset add column download_made_at timestamp with time zone;
-- why the last try to make it failed, for a person; null when it did not
alter table asset add column download_error text;
-- when an instance last renewed its claim on making the download: one remux at a time, fleet-wide; a crashed
-- instance's claim lapses and the outbox's resubmission makes it elsewhere
alter table asset add column download_claimed_at timestamp with time zone;
