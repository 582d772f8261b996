-- Accounts (identity): users with one role each, and personal API tokens stored only as SHA-256 hashes.

create table app_user (
    id            uuid primary key,
    username      varchar(64)  not null,
    password_hash varchar(200) not null,
    role          varchar(16)  not null,
    enabled       boolean      not null default true,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    constraint app_user_username_uk unique (username)
);

create table api_token (
    id           uuid primary key,
    user_id      uuid         not null references app_user (id) on delete cascade,
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    prefix       varchar(16)  not null,
    created_at   timestamptz  not null,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    constraint api_token_hash_uk unique (token_hash)
);
create index api_token_user_idx on api_token (user_id);
