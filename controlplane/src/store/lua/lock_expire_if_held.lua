-- lock_expire_if_held: the lock's holder lets it expire later, or go now (store/redis_lock.h).
-- Only the holder's token may: a holder whose lock had expired and was taken by another replica
-- cannot touch the other's lock.
-- KEY: lock.
-- ARG: token (the holder's); ms (milliseconds to keep it, as a string; '0': delete it now).
-- Returns 1 when the token held the lock and it was changed, else 0.
if redis.call('GET', KEY.lock) ~= ARG.token then return 0 end
if tonumber(ARG.ms) > 0 then return redis.call('PEXPIRE', KEY.lock, ARG.ms) end
return redis.call('DEL', KEY.lock)
