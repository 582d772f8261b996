-- Who started the upload that made an asset: while the upload is unfinished only they (or an admin) see it.
alter table asset add column created_by varchar(64);
update asset a set created_by = s.created_by from upload_session s where s.asset_id = a.id;
