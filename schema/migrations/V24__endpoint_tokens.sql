-- pilotd schema, version 24: bearer tokens at the serverless endpoint.
--
-- A request may carry a JWT (WLCG profile) instead of an API key: the job it makes belongs to
-- the token's issuer and subject, and its audit row names them. Never the token itself.
alter table endpoint_job alter column key_id drop not null;
alter table endpoint_job add column token_issuer text;
alter table endpoint_job add column token_subject text;
alter table endpoint_job add constraint endpoint_job_one_owner
    check ((key_id is null) = (token_subject is not null) and (token_subject is null) = (token_issuer is null));
create index endpoint_job_token on endpoint_job (token_issuer, token_subject);

comment on column endpoint_job.token_subject is 'the sub of the token whose request made the job (null: a key''s)';

alter table endpoint_audit add column token_issuer text;
alter table endpoint_audit add column token_subject text;

comment on column endpoint_audit.token_subject is 'the sub of the request''s token, once verified (never the token)';
