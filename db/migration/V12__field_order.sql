-- How the source's video is scanned, as ffprobe's field_order states it ('progressive', 'tt', 'bb', 'tb', 'bt'):
-- interlaced sources are deinterlaced before they are scaled. Null for assets probed before this column (read as
-- progressive).
alter table asset add column field_order varchar(16);
