-- Retention (issue 5). The catalog learns what retention rules look at and leave behind; the retention module
-- gets its rules, its runs and the audit trail of every action a run took.

-- catalog: tags (rule scopes), where an asset came from, when it became READY, where its source stands, legal
-- holds, and the tombstone of an asset a rule expired.
alter table asset add column tags text[] not null default '{}';
alter table asset add column origin varchar(16) not null default 'UPLOAD'
    check (origin in ('UPLOAD', 'LIVE_RECORDING'));
alter table asset add column ready_at timestamp with time zone;
update asset set ready_at = updated_at where status = 'READY';
alter table asset add column source_storage_class varchar(32) not null default 'STANDARD';
alter table asset add column source_deleted_at timestamp with time zone;
alter table asset add column hold_reason text;
alter table asset add column hold_by varchar(64);
alter table asset add column hold_at timestamp with time zone;
alter table asset add column removed_at timestamp with time zone;
alter table asset add column purged_at timestamp with time zone;
create index asset_tags_idx on asset using gin (tags);

-- retention: the rules admins set. after_amount counts days, or hours for ABORT_UPLOADS.
create table retention_rule (
    id            uuid primary key,
    name          varchar(100) not null,
    action        varchar(32)  not null check (action in ('DELETE_SOURCE', 'MOVE_SOURCE', 'EXPIRE_AFTER_CREATED',
                                                          'EXPIRE_AFTER_LAST_PLAYED', 'DROP_RENDITIONS',
                                                          'ABORT_UPLOADS')),
    scope         varchar(16)  not null check (scope in ('ALL', 'TAG', 'LIVE_RECORDINGS')),
    scope_tag     varchar(64),
    after_amount  integer      not null check (after_amount >= 0),
    storage_class varchar(32),
    max_height    integer,
    priority      integer      not null,
    enabled       boolean      not null default true,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null,
    updated_by    varchar(64),
    version       bigint       not null default 0,
    constraint retention_rule_tag_ck check ((scope = 'TAG') = (scope_tag is not null))
);

-- One row per lifecycle run; a run that never finished stays RUNNING until the next run marks it INTERRUPTED.
create table lifecycle_run (
    id          uuid primary key,
    trigger     varchar(16) not null,
    started_by  varchar(64),
    state       varchar(16) not null,
    started_at  timestamp with time zone not null,
    finished_at timestamp with time zone,
    planned     integer     not null default 0,
    assets      integer     not null default 0,
    objects     integer     not null default 0,
    bytes       bigint      not null default 0,
    errors      integer     not null default 0,
    error       text
);
create index lifecycle_run_started_idx on lifecycle_run (started_at desc);

-- The audit trail: every action a run took (or tried), per asset, with the rule that called for it. No foreign
-- key to asset: the trail outlives the asset.
create table lifecycle_action (
    id         uuid primary key,
    run_id     uuid         not null references lifecycle_run (id) on delete cascade,
    asset_id   uuid,
    rule_id    uuid,
    rule_name  varchar(100) not null,
    action     varchar(32)  not null,
    detail     text         not null,
    objects    integer      not null,
    bytes      bigint       not null,
    outcome    varchar(16)  not null,
    error      text,
    at         timestamp with time zone not null
);
create index lifecycle_action_asset_idx on lifecycle_action (asset_id, at desc);
create index lifecycle_action_run_idx on lifecycle_action (run_id, at);
