-- When an asset was last given to a player (a playback grant), at most once an hour. Retention rules can expire
-- assets nobody watches.
alter table asset add column last_played_at timestamp with time zone;
