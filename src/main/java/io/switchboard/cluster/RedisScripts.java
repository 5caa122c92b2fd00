package io.switchboard.cluster;

import io.switchboard.core.ClusterLink;

/**
 * The Lua scripts {@link RedisLink} runs: each changes several keys in one atomic step. Keys are built
 * from the prefix ({@code <cluster.name>:}) passed as ARGV[1] where the set of keys depends on the data
 * (a user's slots), which a single Redis allows.
 */
final class RedisScripts {

    private RedisScripts() {
    }

    /**
     * Gives back one slot of the cluster-wide limits: its entry in {@code slots}, its IP's count, its
     * place among its user's slots and in its node's set. Shared by the scripts below; ARGV[1] of each is
     * the key prefix. A slot value is {@code node TAB ip TAB user} (user empty when not known yet).
     */
    static final String RELEASE_FUNCTION = String.join("\n",
            "local function release(p, slot)",
            "  local v = redis.call('HGET', p .. 'slots', slot)",
            "  if not v then return 0 end",
            "  local a = string.find(v, '\\t', 1, true)",
            "  local b = string.find(v, '\\t', a + 1, true)",
            "  local node, ip, user = string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1)",
            "  redis.call('HDEL', p .. 'slots', slot)",
            "  if redis.call('HINCRBY', p .. 'ips', ip, -1) <= 0 then redis.call('HDEL', p .. 'ips', ip) end",
            "  if user ~= '' then redis.call('ZREM', p .. 'user:' .. user, slot) end",
            "  redis.call('SREM', p .. 'node:' .. node .. ':slots', slot)",
            "  return 1",
            "end");
    /**
     * Removes a node from the node table with its registry entries (those still naming it) and its
     * limit slots in one step. KEYS: connections hash, the node's set of connection ids, node table;
     * ARGV: prefix, node id, the start of its registry values.
     */
    static final String FORGET_NODE = String.join("\n", RELEASE_FUNCTION,
            "local ids = redis.call('SMEMBERS', KEYS[2])",
            "for _, id in ipairs(ids) do",
            "  local v = redis.call('HGET', KEYS[1], id)",
            "  if v and string.sub(v, 1, #ARGV[3]) == ARGV[3] then redis.call('HDEL', KEYS[1], id) end",
            "end",
            "redis.call('DEL', KEYS[2])",
            "redis.call('HDEL', KEYS[3], ARGV[2])",
            "local slotsKey = ARGV[1] .. 'node:' .. ARGV[2] .. ':slots'",
            "for _, s in ipairs(redis.call('SMEMBERS', slotsKey)) do release(ARGV[1], s) end",
            "redis.call('DEL', slotsKey)",
            "return #ids");
    static final String RELEASE_SLOT = RELEASE_FUNCTION + "\nreturn release(ARGV[1], ARGV[2])";
    /**
     * Checks and takes one connection's slots of the cluster-wide limits, all or nothing
     * ({@link ClusterLink#takeSlot}). ARGV: prefix, slot, node, ip (empty: only add the user to an
     * existing slot), user (empty: none yet), max-connections, max-per-ip, max-per-user, 1 for close-oldest.
     * A user's slots are a sorted set scored by Redis's own clock when taken, so "oldest" is one order
     * for every node.
     */
    static final String TAKE_SLOT = String.join("\n",
            "local p, slot, node, ip, user = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]",
            "local fresh = ip ~= ''",
            "if not fresh then",
            "  local v = redis.call('HGET', p .. 'slots', slot)",
            "  if not v then return 'gone' end",
            "  local a = string.find(v, '\\t', 1, true)",
            "  local b = string.find(v, '\\t', a + 1, true)",
            "  node, ip = string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1)",
            "else",
            "  if redis.call('HLEN', p .. 'slots') >= tonumber(ARGV[6]) then return 'global' end",
            "  if tonumber(redis.call('HGET', p .. 'ips', ip) or '0') >= tonumber(ARGV[7]) then return 'ip' end",
            "end",
            "local answer = 'ok'",
            "if user ~= '' then",
            "  local u = p .. 'user:' .. user",
            "  if redis.call('ZCARD', u) >= tonumber(ARGV[8]) then",
            "    if ARGV[9] ~= '1' then return 'user' end",
            "    local oldest = redis.call('ZRANGE', u, 0, 0)[1]",
            "    redis.call('ZREM', u, oldest)",
            "    local ov = redis.call('HGET', p .. 'slots', oldest)",
            "    local owner = ''",
            "    if ov then owner = string.sub(ov, 1, string.find(ov, '\\t', 1, true) - 1) end",
            "    answer = 'ok\\n' .. oldest .. '\\n' .. owner",
            "  end",
            "  local t = redis.call('TIME')",
            "  redis.call('ZADD', u, tonumber(t[1]) * 1000000 + tonumber(t[2]), slot)",
            "end",
            "if fresh then",
            "  redis.call('HINCRBY', p .. 'ips', ip, 1)",
            "  redis.call('SADD', p .. 'node:' .. node .. ':slots', slot)",
            "end",
            "redis.call('HSET', p .. 'slots', slot, node .. '\\t' .. ip .. '\\t' .. user)",
            "return answer");
    /** Records a slot again after Redis lost it, without checking. ARGV: prefix, slot, node, ip, user, score. */
    static final String RESTORE_SLOT = String.join("\n",
            "local p, slot, node, ip, user = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]",
            "if redis.call('HEXISTS', p .. 'slots', slot) == 1 then return 0 end",
            "redis.call('HSET', p .. 'slots', slot, node .. '\\t' .. ip .. '\\t' .. user)",
            "redis.call('HINCRBY', p .. 'ips', ip, 1)",
            "redis.call('SADD', p .. 'node:' .. node .. ':slots', slot)",
            "if user ~= '' then redis.call('ZADD', p .. 'user:' .. user, tonumber(ARGV[6]), slot) end",
            "return 1");

}
