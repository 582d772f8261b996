-- DASH (issue 16, docs/adr/0025): an asset whose listed renditions are all complete CMAF gets an MPD beside its
-- master playlist, written from what its rendition rows say: how the segments are packaged and how long the
-- rendition lasts. A rendition published before this says what its job made, and null for its length: its asset
-- has no MPD until it is encoded again (its HLS plays as before).
alter table rendition add column packaging varchar(8) not null default 'TS';
alter table rendition add constraint rendition_packaging check (packaging in ('TS', 'CMAF'));
alter table rendition add column duration_seconds double precision;
update rendition r set packaging = 'CMAF'
 where exists (select 1 from transcode_job j
                where j.asset_id = r.asset_id and j.profile = r.profile and j.packaging = 'CMAF');
