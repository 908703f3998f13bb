/**
 * The Lua scripts of the Redis store (redis-atomic-kv.ts). Each names every key it touches in
 * KEYS, as Redis Cluster requires. Those that take more than one keep them in one slot: SLIDING_TAKE's
 * share a hash tag, a record and its journal (COMPARE_AND_SET_JOURNAL, MOVE_JOURNAL) are named so
 * by `journalName` (key-slot.ts), so on a cluster every script runs inside one slot.
 */

/** Compare-and-set on one key: ARGV = expectPresent(0|1), expected, writePresent(0|1), next. */
export const COMPARE_AND_SET = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur ~= false then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;

/**
 * COMPARE_AND_SET and, in the same step, ARGV[5] added to the end of KEYS[2] (the record's journal,
 * in the record's slot). GET and SET only: no command beyond the ACL's list.
 */
export const COMPARE_AND_SET_JOURNAL = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur ~= false then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
local journal = redis.call('GET', KEYS[2])
if journal == false then journal = '' end
redis.call('SET', KEYS[2], journal .. ARGV[5])
return 1`;

/** Takes ARGV[1] off the front of the journal KEYS[1] when it still starts with it. */
export const DROP_JOURNAL = `
local cur = redis.call('GET', KEYS[1])
if cur == false then return 0 end
local n = string.len(ARGV[1])
if n == 0 or string.sub(cur, 1, n) ~= ARGV[1] then return 0 end
if string.len(cur) == n then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], string.sub(cur, n + 1)) end
return 1`;

/**
 * Moves the journal KEYS[1] (its name before issue 73) to the front of KEYS[2] (its name now, in
 * the same slot) and deletes it: its lines are older than any written under the new name.
 */
export const MOVE_JOURNAL = `
local old = redis.call('GET', KEYS[1])
if old == false then return 0 end
local cur = redis.call('GET', KEYS[2])
if cur == false then cur = '' end
redis.call('SET', KEYS[2], old .. cur)
redis.call('DEL', KEYS[1])
return 1`;

/** The lease pattern: extend only if we hold it (the acquire is a plain SET NX PX). */
export const EXTEND_IF_HOLDER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

export const DELETE_IF_HOLDER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * A heartbeat on the store's clock: KEYS = the group's sorted set; ARGV = member, ttl. Each
 * member's score is when its announcement lapses; lapsed ones are dropped, the rest returned.
 */
export const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

export const WINDOW_HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * A sliding-window take: KEYS = the window's slot counters, oldest first (the last is the current
 * one); ARGV = max, ttl. Counts in the current slot when the sum is under `max` and returns {};
 * otherwise counts nothing and returns every slot's count, for the wait to be worked out.
 */
export const SLIDING_TAKE = `
local counts = {}
local sum = 0
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  counts[i] = n
  sum = sum + n
end
if sum < tonumber(ARGV[1]) then
  local last = KEYS[#KEYS]
  if redis.call('INCR', last) == 1 then redis.call('PEXPIRE', last, ARGV[2]) end
  return {}
end
return counts`;

/**
 * An add bounded by a set's size: KEYS = the set; ARGV = member, max. Returns {in, added, size}:
 * a member already in passes as it is, a new one only while the set has fewer than `max`.
 */
export const BOUNDED_ADD = `
local n = redis.call('SCARD', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {1, 0, n} end
if n >= tonumber(ARGV[2]) then return {0, 0, n} end
redis.call('SADD', KEYS[1], ARGV[1])
return {1, 1, n + 1}`;
