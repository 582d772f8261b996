-- Captions and subtitles (issue 16): text tracks of an asset, uploaded by editors (WebVTT or SubRip) and published
-- beside its renditions as segmented WebVTT in the master playlist's SUBTITLES group. A track is replaced or removed
-- without touching the video: each upload is a new revision under its own keys (segments are immutable).
create table text_track (
    id            uuid primary key,
    asset_id      uuid         not null references asset (id) on delete cascade,
    language      varchar(35)  not null,
    name          varchar(100) not null,
    kind          varchar(16)  not null check (kind in ('SUBTITLES', 'CAPTIONS')),
    origin        varchar(16)  not null check (origin in ('UPLOADED', 'EMBEDDED')),
    is_default    boolean      not null default false,
    revision      integer      not null,
    cue_count     integer      not null,
    last_cue_ms   bigint       not null,
    playlist_key  varchar(512) not null,
    file_key      varchar(512) not null,
    mpegts_origin bigint       not null,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null,
    unique (asset_id, language, kind)
);

create index text_track_asset on text_track (asset_id);

-- when the source's own text streams (mov_text, subrip, WebVTT) were looked for, once per asset: they are extracted
-- into tracks of origin EMBEDDED once the asset first plays
alter table asset add column text_scanned_at timestamp with time zone;
