-- pilotd schema, version 14: the serverless computing endpoint (pilotd's REST API that turns pilot
-- requests into pilots of its queues): its API keys, the jobs it was asked for, and its audit.

-- An API key is stored as the SHA-256 of its secret, never the secret: a key is 256 random bits,
-- so a fast hash is as safe as a slow one, and a request finds its key by an index.
create table endpoint_key (
    id              bigserial primary key,
    name            text not null unique,
    key_hash        text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
    -- the first characters of the key, to tell keys apart in lists and audit rows
    key_prefix      text not null,
    -- the VO a request's proxy must carry
    vo              text not null,
    -- the queues its requests may use
    queues          text[] not null check (cardinality(queues) > 0),
    rate_per_minute integer not null check (rate_per_minute > 0),
    expires_at      timestamptz not null,
    created_at      timestamptz not null default now(),
    revoked_at      timestamptz
);

-- The job a request named, and the pilot it became: a retried request finds it here and gets the
-- same pilot, never a second one. Written in the transaction that writes the pilot's Submitting row.
create table endpoint_job (
    job_name   text primary key,
    stamp      text not null unique references pilot (stamp),
    key_id     bigint not null references endpoint_key (id),
    created_at timestamptz not null default now()
);

-- Every request: who, what, and what came of it. Never the proxy, the wrapper or the key.
create table endpoint_audit (
    id        bigserial primary key,
    at        timestamptz not null default now(),
    -- null when the request named no key the endpoint knows
    key_id    bigint references endpoint_key (id),
    remote    text not null,
    method    text not null,
    path      text not null,
    queue     text,
    job_name  text,
    status    integer not null,
    outcome   text not null
);

create index endpoint_audit_at on endpoint_audit (at);
create index endpoint_audit_key on endpoint_audit (key_id, at);
