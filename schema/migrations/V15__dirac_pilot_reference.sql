-- pilotd schema, version 15: DIRAC sees a pilot from its intent on. A pilot's DIRAC reference
-- (PilotJobReference, pilotd://<stamp>) is known before the cloud is asked, so its row in DIRAC's
-- PilotAgents table can be written with the Submitting row: every change of a pilot goes to the
-- outbox, not only those of pilots the cloud has answered for (V13 waited for the jobRef).
create or replace function pilot_agents_enqueue() returns trigger language plpgsql as $$
begin
    if (select mirror from demand_source) then
        insert into pilot_agents_outbox (pilot_id)
        select id from changed_pilots order by id;
    end if;
    return null;
end;
$$;
