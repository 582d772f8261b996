-- Live (issue 6): channels editors create, the sessions broadcasters push, and what happened to them.

-- catalog: an asset can be a live stream (as opposed to the recording of one); while it is on air no retention
-- rule touches it
alter table asset drop constraint asset_origin_check;
alter table asset add constraint asset_origin_check check (origin in ('UPLOAD', 'LIVE_RECORDING', 'LIVE_STREAM'));
alter table asset add column on_air boolean not null default false;

create table live_channel (
    id                 uuid primary key,
    title              varchar(300) not null,
    ladder             varchar(200) not null,
    rtmp_outputs       text[]       not null default '{}',
    reconnect_window_s integer      not null check (reconnect_window_s between 0 and 3600),
    dvr_window_s       integer      not null check (dvr_window_s between 0 and 21600),
    key_hash           varchar(64)  not null,
    key_prefix         varchar(16)  not null,
    key_rotated_at     timestamp with time zone not null,
    created_by         varchar(64),
    created_at         timestamp with time zone not null,
    updated_at         timestamp with time zone not null,
    version            bigint       not null default 0,
    constraint live_channel_key_uk unique (key_hash)
);

create table live_session (
    id                  uuid primary key,
    channel_id          uuid        not null references live_channel (id) on delete cascade,
    asset_id            uuid        not null,
    recording_asset_id  uuid,
    state               varchar(16) not null check (state in ('LIVE', 'RECONNECTING', 'ENDED')),
    protocol            varchar(16) not null,
    started_at          timestamp with time zone not null,
    last_data_at        timestamp with time zone,
    ended_at            timestamp with time zone,
    end_reason          text,
    transcoder_restarts integer     not null default 0,
    reconnects          integer     not null default 0,
    ingest_bytes        bigint      not null default 0,
    ingest_bitrate      bigint,
    width               integer,
    height              integer,
    manifest_age_ms     bigint,
    stale               boolean     not null default false,
    -- the instance running it renews this every second; a session whose heartbeat lapsed lost its instance
    heartbeat_at        timestamp with time zone,
    owner               varchar(200)
);
-- one session at a time per channel
create unique index live_session_active_uk on live_session (channel_id) where state <> 'ENDED';
create index live_session_channel_idx on live_session (channel_id, started_at desc);

create table live_event (
    id         uuid primary key,
    channel_id uuid        not null references live_channel (id) on delete cascade,
    session_id uuid,
    at         timestamp with time zone not null,
    kind       varchar(32) not null,
    detail     text        not null
);
create index live_event_channel_idx on live_event (channel_id, at desc);
