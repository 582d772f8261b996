-- Alternate audio (issue 16): the audio streams of a video source, one audio rendition each in the master playlist's
-- AUDIO group. What the source's tags said is where the language and name start; editors may change both, and which
-- one players choose by default, without re-encoding anything (only the master playlist is rewritten).
create table audio_track (
    id           uuid primary key,
    asset_id     uuid         not null references asset (id) on delete cascade,
    stream_index integer      not null check (stream_index >= 0),
    language     varchar(35)  not null,
    name         varchar(100) not null,
    is_default   boolean      not null default false,
    codec        varchar(32)  not null,
    channels     integer      not null,
    updated_at   timestamp with time zone not null,
    unique (asset_id, stream_index)
);

create index audio_track_asset on audio_track (asset_id);
