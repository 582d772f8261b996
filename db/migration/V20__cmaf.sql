-- CMAF (issue 16, docs/adr/0024): how each job's segments are packaged. Jobs planned before it made MPEG-TS, and
-- keep doing so when retried, so that every chunk of a rendition is packaged alike; new jobs take the setting
-- keyframe.transcode.packaging (CMAF unless set).
alter table transcode_job add column packaging varchar(8) not null default 'TS';
alter table transcode_job add constraint transcode_job_packaging check (packaging in ('TS', 'CMAF'));
