-- Low-latency HLS (issue 14): a channel publishes either classic segments (STANDARD) or half-second parts with
-- blocking playlist reload as well (LOW). Existing channels stay STANDARD.
alter table live_channel add column latency varchar(8) not null default 'STANDARD'
    check (latency in ('STANDARD', 'LOW'));
