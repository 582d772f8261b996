-- Two pipelines per channel (issue 15): a channel may run each session on two transcoder instances at once,
-- pipelines A and B, which make the same segments from the same relayed feed; one publishes, the other stands by in
-- step and takes over when the publisher stops publishing. Existing channels keep one pipeline.
alter table live_channel add column pipelines smallint not null default 1 check (pipelines in (1, 2));
alter table live_session add column pipelines smallint not null default 1 check (pipelines in (1, 2));

-- pipeline B's transcoder instance, as transcoder_id, transcoder_generation, transcoder_endpoint, heartbeat_at, owner,
-- work_dir and encoder_pid are pipeline A's
alter table live_session add column b_transcoder_id varchar(2048);
alter table live_session add column b_transcoder_generation integer not null default 0;
alter table live_session add column b_transcoder_endpoint varchar(300);
alter table live_session add column b_heartbeat_at timestamp with time zone;
alter table live_session add column b_owner varchar(200);
alter table live_session add column b_work_dir varchar(1024);
alter table live_session add column b_encoder_pid bigint;

-- each pipeline's newest segment, by the session's numbering (null: not in step with the publisher)
alter table live_session add column newest_segment bigint;
alter table live_session add column b_newest_segment bigint;

-- which pipeline publishes, and the newest segment it claimed: its number, the PTS of its first frame and its
-- program date time. The other pipeline names its own segments from these (the same PTS grid), and takes over
-- when published_at grows old.
alter table live_session add column publisher char(1) not null default 'A' check (publisher in ('A', 'B'));
alter table live_session add column published_segment bigint;
alter table live_session add column published_pts bigint;
alter table live_session add column published_date timestamp with time zone;
-- which timeline the claimed segment is of: the relayed feed connection its encoder read (a reconnect or a switch to
-- the backup is another; the slate is one of each pipeline's own). Segments of one timeline share the PTS grid.
alter table live_session add column published_timeline varchar(64);
alter table live_session add column published_at timestamp with time zone;
