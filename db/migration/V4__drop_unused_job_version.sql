-- transcode_job.version was incremented by every update and read by nothing: races between workers are
-- settled by row locks and the lease owner (JobStore), not by optimistic versions.
alter table transcode_job drop column version;
