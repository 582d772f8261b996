-- A session keeps the latency its channel had when it started (issue 14): a replacement transcoder continues the
-- playlists in the format they began in, whatever the channel's setting says by then.
alter table live_session add column latency varchar(8) not null default 'STANDARD'
    check (latency in ('STANDARD', 'LOW'));
