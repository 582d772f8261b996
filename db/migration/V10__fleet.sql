-- The fleet (issue 11): a live session's transcoder runs as an instance of its own, which the live instances
-- relay the feed to. The session row is how they find each other.

-- the transcoder instance: which one (a process id locally, an ECS task ARN in AWS), which generation (each
-- replacement takes the next; only the current one may write), where it takes the relay, and the secret a relay
-- must present. heartbeat_at and owner are now the transcoder instance's.
alter table live_session add column transcoder_id varchar(2048);
alter table live_session add column transcoder_generation integer not null default 0;
alter table live_session add column transcoder_endpoint varchar(300);
alter table live_session add column relay_token varchar(64);
-- what the transcoder runs, for the channel page: its work directory, the encoder's process id, the RTMP outputs
-- (one line each: up|pid|target)
alter table live_session add column work_dir varchar(1024);
alter table live_session add column encoder_pid bigint;
alter table live_session add column outputs text;
-- the live instance relaying the feed renews this every second while a broadcaster is connected to it
alter table live_session add column ingest_instance varchar(200);
alter table live_session add column ingest_heartbeat_at timestamp with time zone;
