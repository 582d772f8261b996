-- Who started an upload: only they (or an admin) may see, resume or abort it.
alter table upload_session add column created_by varchar(64);
create index upload_session_created_by_idx on upload_session (created_by, state);
