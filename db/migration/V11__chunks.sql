-- Instant VOD (issue 13): an asset's encode is split into chunks of its timeline, each a job any worker takes, and
-- a rendition is published as its chunks are stored.

-- a job is now one (asset, profile, chunk): the chunk's nominal interval (a segment boundary; end null = to the end
-- of the source), and what it stored: its first segment's number, each segment's duration, bytes and peak bit rate
alter table transcode_job add column chunk integer not null default 0;
alter table transcode_job add column start_ms bigint not null default 0;
alter table transcode_job add column end_ms bigint;
alter table transcode_job add column first_segment integer not null default 0;
alter table transcode_job add column segments text;
alter table transcode_job add column stored_bytes bigint not null default 0;
alter table transcode_job add column peak_bps bigint not null default 0;
alter table transcode_job drop constraint transcode_job_asset_profile_uk;
alter table transcode_job add constraint transcode_job_asset_profile_chunk_uk unique (asset_id, profile, chunk);
create index transcode_job_asset_group_idx on transcode_job (asset_id, encode_group);

-- a rendition is listed while it grows (its playlist an EVENT playlist of the chunks stored so far) and complete
-- once every chunk is stored (a VOD playlist with ENDLIST); renditions published before chunks are complete
alter table rendition add column complete boolean not null default true;

-- when the asset could first be played: what "time to first playable" is measured against
alter table asset add column first_playable_at timestamp with time zone;

-- a video rendition made without audio names the asset's audio rendition it plays with (an EXT-X-MEDIA group)
alter table rendition add column audio_group varchar(64);
