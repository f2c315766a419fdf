-- registration_write_while_registering: writes a trunk's registration state only while the
-- trunk registers (its uacreg row exists in Kamailio's database): a poll racing a delete or
-- deactivation leaves nothing behind.
-- KEY: registration (the state hash).
-- ARG: daemon_db, kamailio_db; uacreg_row (the row's key, in Kamailio's database, so not a KEY
-- of this database); fields (the state: field, value, ...).
-- Returns 1 when written, 0 when the trunk does not register.
redis.call('SELECT', ARG.kamailio_db)
local registering = redis.call('EXISTS', ARG.uacreg_row)
redis.call('SELECT', ARG.daemon_db)
if registering == 0 then return 0 end
redis.call('DEL', KEY.registration)
redis.call('HSET', KEY.registration, unpack(ARG.fields))
return 1
