-- Who may watch an asset (issue 4: signed delivery). Existing assets keep what they had: every signed-in user.
alter table asset add column visibility varchar(16) not null default 'SIGNED_IN'
    check (visibility in ('PUBLIC', 'SIGNED_IN', 'PRIVATE'));
