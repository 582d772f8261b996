-- Keyframe's first schema: assets and renditions (catalog), upload sessions (upload), transcode jobs
-- (transcode) and the event publication registry that serves as the transactional outbox (Spring Modulith).
-- Modules own their tables; no foreign key crosses a module boundary, so a module can move to its own service.

create table asset (
    id                uuid primary key,
    title             varchar(300)  not null,
    description       text,
    original_filename varchar(1024) not null,
    content_type      varchar(255),
    declared_size     bigint        not null,
    source_key        varchar(512)  not null,
    status            varchar(32)   not null,
    status_reason     text,
    duration_ms       bigint,
    format_name       varchar(128),
    bitrate           bigint,
    width             integer,
    height            integer,
    video_codec       varchar(64),
    frame_rate        varchar(32),
    audio_codec       varchar(64),
    audio_channels    integer,
    poster_key        varchar(512),
    created_at        timestamptz   not null,
    updated_at        timestamptz   not null,
    version           bigint        not null default 0
);
create index asset_created_idx on asset (created_at desc);
create index asset_status_created_idx on asset (status, created_at desc);

create table rendition (
    id                 uuid primary key,
    asset_id           uuid         not null references asset (id) on delete cascade,
    profile            varchar(64)  not null,
    kind               varchar(16)  not null,
    width              integer,
    height             integer,
    bandwidth          bigint       not null,
    average_bandwidth  bigint       not null,
    codecs             varchar(128) not null,
    frame_rate         varchar(32),
    playlist_key       varchar(512) not null,
    segment_count      integer      not null,
    total_bytes        bigint       not null,
    segment_boundaries text         not null,
    published_at       timestamptz  not null,
    constraint rendition_asset_profile_uk unique (asset_id, profile)
);

create table upload_session (
    id             uuid primary key,
    asset_id       uuid          not null,
    object_key     varchar(512)  not null,
    s3_upload_id   varchar(1024) not null,
    filename       varchar(1024) not null,
    content_type   varchar(255)  not null,
    size           bigint        not null,
    part_size      bigint        not null,
    part_count     integer       not null,
    state          varchar(32)   not null,
    failure_reason text,
    created_at     timestamptz   not null,
    expires_at     timestamptz   not null,
    completed_at   timestamptz
);
create index upload_session_asset_idx on upload_session (asset_id);
create index upload_session_state_expires_idx on upload_session (state, expires_at);

create table transcode_job (
    id             uuid primary key,
    asset_id       uuid        not null,
    profile        varchar(64) not null,
    kind           varchar(16) not null,
    short_side     integer,
    video_kbps     integer,
    audio_kbps     integer,
    encode_group   integer     not null,
    state          varchar(16) not null,
    attempts       integer     not null default 0,
    progress       double precision not null default 0,
    error          text,
    lease_owner    varchar(200),
    lease_until    timestamptz,
    dispatched_at  timestamptz,
    started_at     timestamptz,
    finished_at    timestamptz,
    created_at     timestamptz not null,
    version        bigint      not null default 0,
    constraint transcode_job_asset_profile_uk unique (asset_id, profile)
);
create index transcode_job_asset_idx on transcode_job (asset_id);
create index transcode_job_state_idx on transcode_job (state);

-- Spring Modulith's JPA event publication registry (the outbox).
create table event_publication (
    id                     uuid primary key,
    listener_id            text        not null,
    event_type             text        not null,
    serialized_event       text        not null,
    publication_date       timestamptz not null,
    completion_date        timestamptz,
    status                 varchar(32),
    completion_attempts    integer     not null default 0,
    last_resubmission_date timestamptz
);
create index event_publication_incomplete_idx on event_publication (completion_date, publication_date);
